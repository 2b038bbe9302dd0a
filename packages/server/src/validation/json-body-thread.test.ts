import { describe, expect, it } from 'vitest';
import { liftedStringChars } from './json-body-parse.js';
import { parseJsonBodyOffThread } from './json-body-thread.js';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseJsonBodyOffThread', () => {
  it('gives back long strings whole, multi-byte characters split across decoded pieces included', async () => {
    const ascii = 'Once upon a time. '.repeat(100_000);
    // 2-, 3- and 4-byte characters, so that pieces of 256 KiB cut through every kind of them.
    const mixed = 'é€😀x'.repeat(150_000);
    const body = {
      documents: [
        { uuid: 'a', content: ascii, metadata: { note: 'short' } },
        { uuid: 'b', content: mixed },
      ],
      exactlyAtTheLimit: 'y'.repeat(liftedStringChars),
      justBelow: 'z'.repeat(liftedStringChars - 1),
    };
    expect(await parseJsonBodyOffThread(encode(body))).toEqual({ kind: 'parsed', body });
  });

  it('gives back a body that is one long string, and bodies without long strings as they were', async () => {
    const text = 'ü'.repeat(700_000);
    expect(await parseJsonBodyOffThread(encode(text))).toEqual({ kind: 'parsed', body: text });
    expect(await parseJsonBodyOffThread(encode({ a: [1, 'two', null] }))).toEqual({
      kind: 'parsed',
      body: { a: [1, 'two', null] },
    });
    expect(await parseJsonBodyOffThread(new TextEncoder().encode('{"a":'))).toMatchObject({
      kind: 'malformed',
    });
  });
});
