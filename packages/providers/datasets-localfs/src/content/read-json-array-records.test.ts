import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowProblem } from '../rows/row-problem.js';
import type { RawRecord } from './raw-record.js';
import { readJsonArrayRecords } from './read-json-array-records.js';

let dir: string;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'json-array-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(text: string, startIndex = 0): Promise<RawRecord[]> {
  const path = join(dir, `${count++}.json`);
  await writeFile(path, text);
  const records: RawRecord[] = [];
  for await (const record of readJsonArrayRecords(path, { startIndex })) records.push(record);
  return records;
}

async function problem(text: string): Promise<RowProblem> {
  try {
    await read(text);
  } catch (error) {
    if (error instanceof RowProblem) return error;
    throw error;
  }
  throw new Error('expected a RowProblem');
}

describe('readJsonArrayRecords', () => {
  it('cuts out each object, with its index and the line it starts on', async () => {
    const records = await read('\uFEFF[\n  {"a": 1},\n  {"b": {"c": [1, {"d": "}"}]}}\n]\n');
    expect(records).toEqual([
      { index: 0, line: 2, value: { a: 1 } },
      { index: 1, line: 3, value: { b: { c: [1, { d: '}' }] } } },
    ]);
  });

  it('keeps braces, brackets and escaped quotes inside strings as text', async () => {
    const tricky = { text: 'a "quoted" {brace} [bracket] \\ back\\slash \n newline', emoji: 'ünï 😀' };
    expect((await read(JSON.stringify([tricky, tricky])))[1]?.value).toEqual(tricky);
  });

  it('reads objects that span the 64 KiB chunks the file is read in', async () => {
    const rows = Array.from({ length: 40 }, (_, index) => ({
      index,
      text: `${'é'.repeat(5000)}"{[`.repeat(index % 3),
    }));
    const records = await read(JSON.stringify(rows));
    expect(records.map((record) => record.value)).toEqual(rows);
  });

  it('skips the objects before startIndex', async () => {
    const records = await read(JSON.stringify([{ n: 0 }, { n: 1 }, { n: 2 }]), 2);
    expect(records).toEqual([{ index: 2, line: 1, value: { n: 2 } }]);
  });

  it('reads an empty array as no rows', async () => {
    expect(await read(' [ ] ')).toEqual([]);
  });

  it.each([
    ['an object', '{"a": 1}', /is not a JSON array/],
    ['an array of numbers', '[1, 2]', /row 0 .*is not a JSON object/],
    ['an array cut off', '[{"a": 1}, {"b": ', /not closed/],
    ['text after the array', '[{"a": 1}] [', /followed by more text/],
    ['an invalid object', '[{"a": tru}]', /row 0 .*is not valid JSON/],
  ])('names the problem with %s', async (_name, text, message) => {
    expect((await problem(text)).message).toMatch(message);
  });
});
