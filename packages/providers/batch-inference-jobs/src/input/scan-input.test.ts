import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPartLines } from '../parts/read-part-lines.js';
import { scanInput } from './scan-input.js';

describe('scanInput', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lsts-scan-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the input and cuts it into parts of non-blank lines that read back with their line numbers', async () => {
    const text = '{"a":1}\n\n{"b":"é"}\r\n{"c":3}\n   \n{"d":4}\n{"e":5}';
    // Chunks split inside a line and inside a multi-byte character.
    const bytes = Buffer.from(text, 'utf8');
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3, 17), bytes.subarray(17, 18), bytes.subarray(18)];
    const seen: [string, number][] = [];
    const destination = join(dir, 'input.jsonl');
    const scanned = await scanInput(Readable.from(chunks), {
      destination,
      linesPerPart: 2,
      onLine: (line, number) => seen.push([line, number]),
    });

    expect(await readFile(destination, 'utf8')).toBe(text);
    expect(scanned.lines).toBe(5);
    expect(seen).toEqual([
      ['{"a":1}', 1],
      ['{"b":"é"}', 3],
      ['{"c":3}', 4],
      ['{"d":4}', 6],
      ['{"e":5}', 7],
    ]);
    expect(scanned.parts.map((part) => [part.firstLine, part.lines])).toEqual([
      [1, 2],
      [4, 2],
      [7, 1],
    ]);
    const parts = await Promise.all(scanned.parts.map((part) => readPartLines(destination, part)));
    expect(parts).toEqual([
      [
        { line: 1, text: '{"a":1}' },
        { line: 3, text: '{"b":"é"}' },
      ],
      [
        { line: 4, text: '{"c":3}' },
        { line: 6, text: '{"d":4}' },
      ],
      [{ line: 7, text: '{"e":5}' }],
    ]);
  });

  it('finds no lines in a blank file', async () => {
    const scanned = await scanInput(Readable.from([Buffer.from('\n \n')]), {
      destination: join(dir, 'blank.jsonl'),
      linesPerPart: 4,
    });
    expect(scanned).toEqual({ lines: 0, parts: [] });
  });
});
