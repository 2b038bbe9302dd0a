import type { DatasetColumnType } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import type { ContentFormat } from '../content/content-format.js';
import { checkRow } from './check-row.js';
import { RowProblem } from './row-problem.js';

const check = (
  value: unknown,
  columns: Record<string, DatasetColumnType>,
  format: ContentFormat = 'jsonl',
  /** `null`: the format has no lines. */
  line: number | null = 4,
) => checkRow({ index: 3, line: line ?? undefined, value }, columns, format);

function problem(run: () => unknown): RowProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof RowProblem) return error;
    throw error;
  }
  throw new Error('expected a RowProblem');
}

describe('checkRow', () => {
  it('fills in the defaults of dialog messages and keeps other fields as they are', () => {
    expect(check({ d: [{ role: 'user', content: 'hi' }], other: [1] }, { d: 'dialog' })).toEqual({
      d: [{ role: 'user', content: 'hi', tool_calls: [], tool_responses: [] }],
      other: [1],
    });
  });

  it('names the row (from 0), its line, the column and the path inside the value', () => {
    const error = problem(() => check({ d: [{ role: 'robot', content: 'hi' }] }, { d: 'dialog' }));
    expect(error.message).toMatch(
      /^row 3 \(counting from 0, line 4\), column 'd': 0\.role .*a dialog column holds/,
    );
    expect(error).toMatchObject({ index: 3, line: 4, column: 'd' });
  });

  it('leaves the line out where the format has none', () => {
    expect(problem(() => check({}, { t: 'text' }, 'parquet', null)).message).toBe(
      "row 3 (counting from 0), column 't': has no value",
    );
  });

  it.each([
    [null, 'is null'],
    [[1], 'is an array'],
    ['text', 'is a string'],
  ])('refuses a row that is %j', (value, message) => {
    expect(problem(() => check(value, { t: 'text' })).message).toContain(message);
  });

  it('reads CSV cells as the column types say', () => {
    expect(
      check(
        { n: ' 2.5 ', d: '[{"role":"user","content":"x"}]', j: '{"a":1}', m: 'https://x.test/a.png', t: '7' },
        { n: 'number', d: 'dialog', j: 'json', m: 'media', t: 'text' },
        'csv',
      ),
    ).toMatchObject({ n: 2.5, d: [{ role: 'user' }], j: { a: 1 }, m: 'https://x.test/a.png', t: '7' });
  });

  it.each([
    ['', 'number', /'' is not a number/],
    ['12abc', 'number', /'12abc' is not a number/],
    ['not json', 'json', /'not json' is not JSON/],
    ['[]', 'dialog', /must hold at least one message/],
  ] as const)('names the CSV cell %j of a %s column', (cell, type, message) => {
    expect(problem(() => check({ c: cell }, { c: type }, 'csv')).message).toMatch(message);
  });

  it('does not read JSONL strings as numbers', () => {
    expect(problem(() => check({ n: '3' }, { n: 'number' })).message).toMatch(/column 'n'.*number/);
  });
});
