import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { countEntries, type LineCounts, type PartEntry, sumCounts } from './line-outcome.js';
import { partJournalPath, partOutputPath, readPartEntries } from './part-files.js';

export interface AssemblePartsOptions {
  partsDir: string;
  partCount: number;
  /** Where the records of the lines that succeeded go. */
  outputPath: string;
  /** Where the records of the lines that failed go. */
  errorsPath: string;
  /**
   * `complete`: every part has its output (the batch ran to its end); `partial`: take what each
   * part has so far, its output or else its journal (a cancelled batch keeps the lines it finished).
   */
  mode: 'complete' | 'partial';
}

/**
 * Writes a batch's output and error files from its parts, in part order and so in input line
 * order, each line once. Both files are written beside their paths and renamed over them, so
 * running this again after a crash writes the same files.
 */
export async function assembleParts(options: AssemblePartsOptions): Promise<LineCounts> {
  const { partsDir, partCount, outputPath, errorsPath, mode } = options;
  const outputTemporary = `${outputPath}.tmp`;
  const errorsTemporary = `${errorsPath}.tmp`;
  const output = createWriteStream(outputTemporary);
  const errors = createWriteStream(errorsTemporary);
  const counts: LineCounts[] = [];
  try {
    for (let partIndex = 0; partIndex < partCount; partIndex++) {
      const entries = await partEntries(partsDir, partIndex, mode);
      const ordered = [...entries.values()].sort((a, b) => a.line - b.line);
      for (const entry of ordered) await writeLine(entry.ok ? output : errors, entry.record);
      counts.push(countEntries(ordered));
    }
    output.end();
    errors.end();
    await Promise.all([finished(output), finished(errors)]);
    await rename(outputTemporary, outputPath);
    await rename(errorsTemporary, errorsPath);
  } catch (error) {
    output.destroy();
    errors.destroy();
    await Promise.all([rm(outputTemporary, { force: true }), rm(errorsTemporary, { force: true })]);
    throw error;
  }
  return sumCounts(counts);
}

async function partEntries(
  partsDir: string,
  partIndex: number,
  mode: AssemblePartsOptions['mode'],
): Promise<Map<number, PartEntry>> {
  const written = await readPartEntries(partOutputPath(partsDir, partIndex));
  if (written) return written;
  if (mode === 'complete') {
    throw new Error(
      `Part ${partIndex} of the batch in ${partsDir} has no output, though every part completed.`,
    );
  }
  return (await readPartEntries(partJournalPath(partsDir, partIndex))) ?? new Map();
}

async function writeLine(stream: WriteStream, record: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(record)}\n`)) {
    await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
}
