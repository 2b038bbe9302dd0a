import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConflictError, Dataset } from '@llama-stack-ts/core';
import { fileIdentity, withFileLock } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';

const StoredDataset = z.object({
  uuid: z.string(),
  dataset: Dataset,
  format: z.enum(['jsonl', 'json', 'csv', 'parquet']),
  /** File name of the provider's copy of the content (http(s) and data: URLs), in the content directory. */
  copy: z.string().nullable(),
  row_count: z.number().int().nonnegative(),
  created_at: z.string(),
});
export type StoredDataset = z.infer<typeof StoredDataset>;

const RegistryFile = z.object({ version: z.literal(1), datasets: z.array(StoredDataset) });

/**
 * The datasets created so far, kept in one JSON file (`datasets.json` in the provider's data
 * directory), which other processes on the same data directory (API servers behind a load
 * balancer, workers) change too. Every read first checks the file (one `stat`) and reads it again
 * when another process has replaced it, so a dataset created or deleted anywhere is seen at once.
 * Every change takes the registry's lock (`withFileLock`), reads the file again, applies the
 * change and writes it to a temporary file renamed over the old one, so a crash leaves the previous
 * registry or the new one, never half of it, and no process's change is lost.
 */
export class DatasetRegistry {
  readonly #path: string;
  #datasets = new Map<string, StoredDataset>();
  /** Identity of the file last read or written: inode, change time and size (`absent` when none). */
  #seen = '';
  /** Uuids being created: taken, though not registered yet. */
  readonly #pending = new Set<string>();
  #writes: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    this.#path = path;
  }

  static async open(path: string): Promise<DatasetRegistry> {
    const registry = new DatasetRegistry(path);
    registry.#refresh();
    return registry;
  }

  get(uuid: string): StoredDataset | undefined {
    this.#refresh();
    return this.#datasets.get(uuid);
  }

  get size(): number {
    this.#refresh();
    return this.#datasets.size;
  }

  /**
   * Takes `uuid` for a dataset being created, or throws `ConflictError` when a dataset has it or
   * is being created under it. The returned function gives it back (after `add`, or on failure).
   * Two processes creating one uuid at once both get here; `add` refuses the second.
   */
  reserve(uuid: string): () => void {
    if (this.get(uuid) || this.#pending.has(uuid)) throw datasetExists(uuid);
    this.#pending.add(uuid);
    return () => this.#pending.delete(uuid);
  }

  async add(entry: StoredDataset): Promise<void> {
    await this.#change(() => {
      if (this.#datasets.has(entry.uuid)) throw datasetExists(entry.uuid);
      this.#datasets.set(entry.uuid, entry);
      return true;
    });
  }

  /** Removes a dataset and answers what it was; `undefined` when there was none. */
  async remove(uuid: string): Promise<StoredDataset | undefined> {
    let removed: StoredDataset | undefined;
    await this.#change(() => {
      removed = this.#datasets.get(uuid);
      return this.#datasets.delete(uuid);
    });
    return removed;
  }

  /**
   * Under the lock, on the registry as the file now holds it: applies a change in memory (`apply`
   * answers whether it changed anything) and writes the registry; a failed write undoes the change.
   */
  #change(apply: () => boolean): Promise<void> {
    const write = this.#writes.then(() =>
      withFileLock(this.#path, async () => {
        this.#refresh();
        const before = new Map(this.#datasets);
        if (!apply()) return;
        try {
          await this.#write();
        } catch (error) {
          this.#datasets = before;
          throw error;
        }
      }),
    );
    this.#writes = write.catch(() => undefined);
    return write;
  }

  async #write(): Promise<void> {
    const temporary = join(dirname(this.#path), `.datasets-${randomUUID()}.json`);
    const file: z.input<typeof RegistryFile> = { version: 1, datasets: [...this.#datasets.values()] };
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
    try {
      await rename(temporary, this.#path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    this.#seen = fileIdentity(this.#path);
  }

  /** Reads the file again when it is not the one last read or written here. */
  #refresh(): void {
    const identity = fileIdentity(this.#path);
    if (identity === this.#seen) return;
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#datasets = new Map();
      this.#seen = 'absent';
      return;
    }
    const parsed = RegistryFile.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new Error(
        `The dataset registry ${this.#path} is not one this provider wrote (${parsed.error.issues[0]?.message}); ` +
          'restore it from a backup, or move it away to start with no datasets.',
      );
    }
    this.#datasets = new Map(parsed.data.datasets.map((entry) => [entry.uuid, entry]));
    this.#seen = identity;
  }
}

function datasetExists(uuid: string): ConflictError {
  return new ConflictError(
    `Dataset '${uuid}' already exists; delete it first (DELETE /datasets/delete?dataset_id=${encodeURIComponent(uuid)}) or pick another uuid.`,
    { field: 'uuid' },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
