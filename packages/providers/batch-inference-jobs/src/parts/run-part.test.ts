import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobProgress } from '@llama-stack-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assembleParts } from './assemble-parts.js';
import type { LineOutcome } from './line-outcome.js';
import { partJournalPath, partOutputPath } from './part-files.js';
import type { PartRange } from './part-range.js';
import type { InputLine } from './read-part-lines.js';
import { runPart } from './run-part.js';

const lines = ['"one"', '"two"', 'not json', '"four"'];
const part: PartRange = { firstLine: 1, start: 0, end: Buffer.byteLength(`${lines.join('\n')}\n`), lines: 4 };

/** Upper-cases a JSON string; anything else is the line's error. */
async function shout({ line, text }: InputLine): Promise<LineOutcome> {
  try {
    return { ok: true, record: { line, text: (JSON.parse(text) as string).toUpperCase() } };
  } catch {
    return { ok: false, record: { line, error: 'not JSON' } };
  }
}

describe('runPart', () => {
  let dir: string;
  let inputPath: string;
  let partsDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lsts-part-'));
    inputPath = join(dir, 'input.jsonl');
    partsDir = join(dir, 'parts');
    await mkdir(partsDir);
    await writeFile(inputPath, `${lines.join('\n')}\n`);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (runLine = shout, progress: JobProgress[] = []) =>
    runPart({
      inputPath,
      partsDir,
      partIndex: 0,
      part,
      signal: new AbortController().signal,
      runLine,
      setProgress: async (value) => {
        progress.push(value);
      },
    });

  it('runs each line once, writes the part in line order and reports progress by line', async () => {
    const progress: JobProgress[] = [];
    expect(await run(shout, progress)).toEqual({ succeeded: 3, failed: 1, expired: 0 });
    const output = (await readFile(partOutputPath(partsDir, 0), 'utf8')).trim().split('\n');
    expect(output.map((entry) => JSON.parse(entry).line)).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toEqual({
      completed: 4,
      total: 4,
      details: { succeeded: 3, failed: 1, expired: 0 },
    });
  });

  it("resumes from its journal, a crash's half-written last line cut off, running only the lines not done", async () => {
    const journal = partJournalPath(partsDir, 0);
    await writeFile(journal, `${JSON.stringify({ line: 2, ok: true, record: { line: 2, text: 'TWO' } })}\n`);
    await appendFile(journal, '{"line":4,"ok":tr');
    const ran: number[] = [];
    const counts = await run(async (input) => {
      ran.push(input.line);
      return shout(input);
    });
    expect(ran.sort()).toEqual([1, 3, 4]);
    expect(counts).toEqual({ succeeded: 3, failed: 1, expired: 0 });
  });

  it('answers the same counts without running anything when its output is already written', async () => {
    await run();
    let ran = 0;
    const again = await run(async (input) => {
      ran++;
      return shout(input);
    });
    expect(ran).toBe(0);
    expect(again).toEqual({ succeeded: 3, failed: 1, expired: 0 });
  });

  it('stops on abort, keeping the lines that ended in its journal for a partial assembly', async () => {
    const controller = new AbortController();
    const running = runPart({
      inputPath,
      partsDir,
      partIndex: 0,
      part,
      signal: controller.signal,
      runLine: async (input, signal) => {
        if (input.line === 1) return shout(input);
        return new Promise<LineOutcome>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
      setProgress: async (progress) => {
        if (progress.completed === 1) controller.abort(new Error('cancelled'));
      },
    });
    await expect(running).rejects.toThrow('cancelled');
    const counts = await assembleParts({
      partsDir,
      partCount: 1,
      outputPath: join(dir, 'output.jsonl'),
      errorsPath: join(dir, 'errors.jsonl'),
      mode: 'partial',
    });
    expect(counts).toEqual({ succeeded: 1, failed: 0, expired: 0 });
    expect(await readFile(join(dir, 'output.jsonl'), 'utf8')).toBe('{"line":1,"text":"ONE"}\n');
  });
});
