import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartEntry } from './line-outcome.js';

/** A finished part's lines, in line order: written once every line of the part has ended. */
export function partOutputPath(partsDir: string, partIndex: number): string {
  return join(partsDir, `${String(partIndex).padStart(6, '0')}.jsonl`);
}

/** A running part's lines, in the order they ended: what a re-run of the part resumes from. */
export function partJournalPath(partsDir: string, partIndex: number): string {
  return join(partsDir, `${String(partIndex).padStart(6, '0')}.journal.jsonl`);
}

/**
 * The entries of a JSONL file of part entries, one per line number (the first one kept). A last
 * line without its newline was cut short by a crash and is left out; `undefined` when there is no file.
 */
export async function readPartEntries(path: string): Promise<Map<number, PartEntry> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const entries = new Map<number, PartEntry>();
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const line of complete.split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as PartEntry;
    if (!entries.has(entry.line)) entries.set(entry.line, entry);
  }
  return entries;
}

export function toJsonl(entries: Iterable<unknown>): string {
  let text = '';
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  return text;
}
