import { describe, expect, it } from 'vitest';
import parseJsonBody, { findTooDeepJson } from './json-body-parse.js';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = { a: [value] };
  return value;
};

describe('findTooDeepJson', () => {
  it('passes values up to the limit and names the path of the first one past it', () => {
    expect(findTooDeepJson({ a: [1, { b: 'c' }] }, 3)).toBeUndefined();
    expect(findTooDeepJson({ a: [1, { b: [] }] }, 3)).toBe('a.1.b');
    expect(findTooDeepJson([[[[]]]], 3)).toBe('0.0.0');
  });

  it('walks a body nested 100,000 deep without overflowing the stack, shortening the path', () => {
    const path = findTooDeepJson(nested(50_000));
    expect(path).toBe('a.0.a.….a.0');
  });

  it('leaves scalars alone', () => {
    expect(findTooDeepJson('text')).toBeUndefined();
    expect(findTooDeepJson(null)).toBeUndefined();
  });
});

describe('parseJsonBody', () => {
  it('reads text and bytes alike, and says what is wrong with a body it does not take', () => {
    expect(parseJsonBody('{"a":[1]}')).toEqual({ kind: 'parsed', body: { a: [1] } });
    expect(parseJsonBody(new TextEncoder().encode('{"a":"é"}'))).toEqual({
      kind: 'parsed',
      body: { a: 'é' },
    });
    expect(parseJsonBody(' \n')).toEqual({ kind: 'empty' });
    expect(parseJsonBody('{"a":')).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining('JSON'),
    });
    expect(parseJsonBody(`${'['.repeat(100)}${']'.repeat(100)}`)).toEqual({
      kind: 'too-deep',
      path: '0.0.0.….0.0',
    });
  });
});
