import type { BatchEndpoint, Inference, ProviderLogger } from '@llama-stack-ts/core';
import {
  ChatCompletionCreateRequest,
  CompletionCreateRequest,
  createEmbeddings,
  EmbeddingCreateRequest,
  openAiErrorOf,
  openAiId,
  parseOpenAiRequest,
  prepareChatCompletion,
  prepareCompletion,
} from '@llama-stack-ts/openai-compat';
import type { LineInference } from '../line-slots.js';
import type { LineOutcome } from '../parts/line-outcome.js';
import type { InputLine } from '../parts/read-part-lines.js';
import { retryTransient } from '../retry-transient.js';
import { type BatchLineRequest, checkBatchLine } from './check-batch-line.js';

/** What a batch's lines run with, carried by each part. */
export interface BatchLineSpec {
  endpoint: BatchEndpoint;
  /** Unix seconds: a line that has not started by then is a `batch_expired` error. */
  expires_at: number;
  /** Lines whose `custom_id` an earlier line already used, by line number, with that earlier line. */
  duplicates: Record<number, number>;
}

export interface RunBatchLineDependencies {
  inference: LineInference;
  logger: ProviderLogger;
  /** Seconds since the epoch; the test of the completion window moves it. */
  now(): number;
}

/**
 * One line of an OpenAI batch, answered as the `/v1` route would: the body is validated with the
 * endpoint's schema and run through `@llama-stack-ts/openai-compat` on the stack's inference.
 * Output line: `{ id, custom_id, response: { status_code: 200, request_id, body }, error: null }`.
 * A request the endpoint answers with an error goes to the error file the same way with that
 * status and OpenAI's error body; a line that is not a request (or a duplicate, or too late) gets
 * `response: null` and `error: { code, message }`.
 */
export async function runBatchLine(
  input: InputLine,
  spec: BatchLineSpec,
  dependencies: RunBatchLineDependencies,
  signal: AbortSignal,
): Promise<LineOutcome> {
  const id = openAiId('batch_req_');
  const checked = checkBatchLine(input.text, input.line, spec.endpoint);
  const notRun = (customId: string | null, code: string, message: string, expired = false): LineOutcome => ({
    ok: false,
    record: { id, custom_id: customId, response: null, error: { code, message } },
    ...(expired ? { expired } : {}),
  });
  if (!checked.ok)
    return notRun(checked.custom_id, checked.error.code ?? 'invalid_request', checked.error.message ?? '');
  const firstUse = spec.duplicates[input.line];
  if (firstUse !== undefined) {
    return notRun(
      checked.custom_id,
      'duplicate_custom_id',
      `Line ${input.line}: custom_id '${checked.custom_id}' is already used by line ${firstUse}; give every request its own custom_id.`,
    );
  }
  if (dependencies.now() >= spec.expires_at) {
    return notRun(
      checked.custom_id,
      'batch_expired',
      'This request could not be executed before the completion window expired.',
      true,
    );
  }

  const requestId = openAiId('req_');
  try {
    const body = await retryTransient(
      () => send(checked, spec.endpoint, dependencies.inference, signal),
      signal,
    );
    return {
      ok: true,
      record: {
        id,
        custom_id: checked.custom_id,
        response: { status_code: 200, request_id: requestId, body },
        error: null,
      },
    };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const answer = openAiErrorOf(error, requestId);
    if (answer.internal) {
      dependencies.logger.error('batch line failed', {
        line: input.line,
        request_id: requestId,
        error: String(error),
      });
    }
    return {
      ok: false,
      record: {
        id,
        custom_id: checked.custom_id,
        response: { status_code: answer.status, request_id: requestId, body: answer.body },
        error: null,
      },
    };
  }
}

const systemFingerprint = 'llama-stack-ts-batch';

function send(
  request: BatchLineRequest,
  endpoint: BatchEndpoint,
  inference: LineInference,
  signal: AbortSignal,
): Promise<unknown> {
  // The /v1 routes take any Inference; a batch line reaches only the calls these endpoints make.
  const options = { inference: inference as Inference, systemFingerprint };
  switch (endpoint) {
    case '/v1/chat/completions': {
      const body = parseOpenAiRequest(ChatCompletionCreateRequest, request.body);
      return prepareChatCompletion(body, request.model, options).run(signal);
    }
    case '/v1/completions': {
      const body = parseOpenAiRequest(CompletionCreateRequest, request.body);
      return prepareCompletion(body, request.model, options).run(signal);
    }
    case '/v1/embeddings': {
      const body = parseOpenAiRequest(EmbeddingCreateRequest, request.body);
      return createEmbeddings(body, request.model, inference, signal);
    }
  }
}
