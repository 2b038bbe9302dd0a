import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PartEntry } from './line-outcome.js';

/** A finished part's lines, in line order: written once every line of the part has ended. */
export function partOutputPath(partsDir: string, partIndex: number): string {
  return join(partsDir, `${String(partIndex).padStart(6, '0')}.jsonl`);
}

/** A running part's lines, in the order they ended: what a re-run of the part resumes from. */
export function partJournalPath(partsDir: string, partIndex: number): string {
  return join(partsDir, `${String(partIndex).padStart(6, '0')}.journal.jsonl`);
}

/** Writes `text` to a temporary file beside `path` and renames it over `path`: whole or not at all. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
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
