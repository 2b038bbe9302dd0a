import {
  ApiNotServedError,
  ConflictError,
  DependencyUnavailableError,
  DisposedError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  NotImplementedError,
  OverloadedError,
  PayloadTooLargeError,
  StackError,
  UnauthorizedError,
} from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { rebuildStackError, requestIdOf } from './rebuild-stack-error.js';

/** What the server sends for an error: its code, message, field and details. */
function wire(error: StackError) {
  return {
    code: error.code,
    message: error.message,
    ...(error.field ? { field: error.field } : {}),
    ...(error.details ? { details: error.details } : {}),
    request_id: 'r-1',
  };
}

describe('rebuildStackError', () => {
  const errors: StackError[] = [
    new InvalidRequestError('messages.0.content', 'Invalid input: expected string'),
    new NotFoundError('model', 'llama-9b', 'Register it under `models:` in distribution.yaml.'),
    new ApiNotServedError('safety', 'local'),
    new ConflictError('Memory bank b1 already exists.', { field: 'bank_uuid' }),
    new PayloadTooLargeError('The request body', 1_048_576),
    new OverloadedError('The llama.cpp queue is full (8 waiting).'),
    new UnauthorizedError(),
    new ForbiddenError('file:///etc/passwd is outside the allowed roots.', { field: 'documents.0.content' }),
    new NotImplementedError('remote::tgi', 'embeddings'),
    new DependencyUnavailableError('remote::tgi', 'http://tgi:8080', new Error('connect ECONNREFUSED')),
    new DependencyUnavailableError('remote::redis', undefined),
    new DisposedError('LlamaCppInference'),
  ];

  it.each(errors.map((error) => [error.name, error] as const))(
    'rebuilds %s with its class, status, message and field',
    (_, original) => {
      const rebuilt = rebuildStackError(wire(original), { status: original.status });
      expect(rebuilt.constructor).toBe(original.constructor);
      expect(rebuilt).toBeInstanceOf(original.constructor);
      expect(StackError.isInstance(rebuilt)).toBe(true);
      expect(rebuilt.name).toBe(original.name);
      expect(rebuilt.message).toBe(original.message);
      expect(rebuilt.status).toBe(original.status);
      expect(rebuilt.code).toBe(original.code);
      expect(rebuilt.field).toBe(original.field === '' ? '' : original.field);
      expect(rebuilt.isRetryable).toBe(original.isRetryable);
      expect(rebuilt.details).toEqual(original.details);
      expect(requestIdOf(rebuilt)).toBe('r-1');
    },
  );

  it('recovers the context carried by the subclasses', () => {
    const notFound = rebuildStackError(wire(errors[1]!)) as NotFoundError;
    expect([notFound.kind, notFound.id]).toEqual(['model', 'llama-9b']);
    expect((rebuildStackError(wire(errors[2]!)) as ApiNotServedError).api).toBe('safety');
    expect((rebuildStackError(wire(errors[4]!)) as PayloadTooLargeError).limitBytes).toBe(1_048_576);
    const unavailable = rebuildStackError(wire(errors[9]!)) as DependencyUnavailableError;
    expect([unavailable.provider, unavailable.url]).toEqual(['remote::tgi', 'http://tgi:8080']);
    expect((rebuildStackError(wire(errors[10]!)) as DependencyUnavailableError).url).toBeUndefined();
  });

  it('reads the context from details, not the message: an id with quotes and dots comes back whole', () => {
    const rebuilt = rebuildStackError(
      wire(new NotFoundError('memory bank', "bank 'v2'. final")),
    ) as NotFoundError;
    expect([rebuilt.kind, rebuilt.id]).toEqual(['memory bank', "bank 'v2'. final"]);
  });

  it('falls back on the status for a code it does not know, and keeps the code', () => {
    const byStatus = rebuildStackError(
      { code: 'quota_exceeded', message: 'Too many tokens today.' },
      { status: 429 },
    );
    expect(byStatus).toBeInstanceOf(OverloadedError);
    expect(byStatus.message).toBe('Too many tokens today.');
    expect([byStatus.code, byStatus.status]).toEqual(['quota_exceeded', 429]);
    const generic = rebuildStackError(
      { code: 'teapot', message: 'I am a teapot.', field: 'x' },
      { status: 418 },
    );
    expect(generic.constructor).toBe(StackError);
    expect([generic.status, generic.code, generic.field, generic.message]).toEqual([
      418,
      'teapot',
      'x',
      'I am a teapot.',
    ]);
    expect(
      rebuildStackError({ code: 'http_400', message: 'Malformed JSON in request body' }, { status: 400 }),
    ).toBeInstanceOf(InvalidRequestError);
  });

  it('takes the status from the code when there is none (an event: error frame)', () => {
    expect(rebuildStackError({ code: 'overloaded', message: 'busy' }).status).toBe(429);
    expect(rebuildStackError({ code: 'internal_error', message: 'boom' }).status).toBe(500);
    expect(rebuildStackError({ code: 'something_new', message: 'boom' }).status).toBe(500);
  });
});
