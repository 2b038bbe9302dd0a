import { open, readFile, rm, truncate } from 'node:fs/promises';
import type { JobProgress } from '@llama-stack-ts/core';
import { writeFileAtomically } from '../atomic-files.js';
import {
  addOutcome,
  countEntries,
  type LineCounts,
  type LineOutcome,
  type PartEntry,
} from './line-outcome.js';
import { partJournalPath, partOutputPath, readPartEntries, toJsonl } from './part-files.js';
import type { PartRange } from './part-range.js';
import { type InputLine, readPartLines } from './read-part-lines.js';

export interface RunPartOptions {
  /** The batch's copy of its input. */
  inputPath: string;
  /** Where the batch's parts keep their journals and outputs. */
  partsDir: string;
  partIndex: number;
  part: PartRange;
  signal: AbortSignal;
  /** Runs one line. A line's failure is an outcome (`ok: false`); a throw means the part must run again. */
  runLine(line: InputLine, signal: AbortSignal): Promise<LineOutcome>;
  setProgress(progress: JobProgress): Promise<void>;
}

/**
 * Runs the lines of one part, all started at once (the inference calls they make wait for a slot,
 * see `LineSlots`), and keeps each outcome in the part's journal as it comes. A part that runs
 * again (its worker crashed, was killed, or shut down) skips the lines its journal holds; a part
 * whose output is already written answers its counts again. When every line has ended, the
 * entries are written in line order to the part's output, atomically, so a part's output exists
 * whole or not at all and holds each line once.
 */
export async function runPart(options: RunPartOptions): Promise<LineCounts> {
  const { partsDir, partIndex, part, signal } = options;
  const outputPath = partOutputPath(partsDir, partIndex);
  const written = await readPartEntries(outputPath);
  if (written) return countEntries(written.values());

  const journalPath = partJournalPath(partsDir, partIndex);
  const done = await openJournal(journalPath);
  const counts = countEntries(done.values());
  const lines = await readPartLines(options.inputPath, part);
  const progress = () =>
    options.setProgress({
      completed: done.size,
      total: part.lines,
      details: { succeeded: counts.succeeded, failed: counts.failed, expired: counts.expired },
    });
  await progress();

  const journal = await open(journalPath, 'a');
  try {
    const runs = lines
      .filter(({ line }) => !done.has(line))
      .map(async (input) => {
        const outcome = await options.runLine(input, signal);
        signal.throwIfAborted();
        const entry: PartEntry = { line: input.line, ...outcome };
        await journal.appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
        done.set(input.line, entry);
        addOutcome(counts, outcome);
        await progress();
      });
    // Every line settles before the journal closes; then the first failure (an abort) is thrown.
    const settled = await Promise.allSettled(runs);
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw signal.aborted ? signal.reason : (failure as PromiseRejectedResult).reason;
  } finally {
    await journal.close();
  }

  const entries = [...done.values()].sort((a, b) => a.line - b.line);
  await writeFileAtomically(outputPath, toJsonl(entries));
  await rm(journalPath, { force: true });
  return counts;
}

/**
 * The entries of a part's journal, after cutting off a last line a crash left half written (so
 * appends start on a line of their own).
 */
async function openJournal(path: string): Promise<Map<number, PartEntry>> {
  const entries = await readPartEntries(path);
  if (!entries) return new Map();
  const bytes = await readFile(path);
  const complete = bytes.lastIndexOf(0x0a) + 1;
  if (complete < bytes.length) await truncate(path, complete);
  return entries;
}
