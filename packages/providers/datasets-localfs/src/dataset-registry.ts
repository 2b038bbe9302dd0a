import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConflictError, Dataset } from '@llama-stack-ts/core';
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
 * directory). Every change rewrites it to a temporary file renamed over the old one, so a crash
 * leaves the previous registry or the new one, never half of it; changes are written one at a time.
 */
export class DatasetRegistry {
  readonly #path: string;
  readonly #datasets: Map<string, StoredDataset>;
  /** Uuids being created: taken, though not registered yet. */
  readonly #pending = new Set<string>();
  #writes: Promise<void> = Promise.resolve();

  private constructor(path: string, datasets: Map<string, StoredDataset>) {
    this.#path = path;
    this.#datasets = datasets;
  }

  static async open(path: string): Promise<DatasetRegistry> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new DatasetRegistry(path, new Map());
      throw error;
    }
    const parsed = RegistryFile.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new Error(
        `The dataset registry ${path} is not one this provider wrote (${parsed.error.issues[0]?.message}); ` +
          'restore it from a backup, or move it away to start with no datasets.',
      );
    }
    return new DatasetRegistry(path, new Map(parsed.data.datasets.map((entry) => [entry.uuid, entry])));
  }

  get(uuid: string): StoredDataset | undefined {
    return this.#datasets.get(uuid);
  }

  get size(): number {
    return this.#datasets.size;
  }

  /**
   * Takes `uuid` for a dataset being created, or throws `ConflictError` when a dataset has it or
   * is being created under it. The returned function gives it back (after `add`, or on failure).
   */
  reserve(uuid: string): () => void {
    if (this.#datasets.has(uuid) || this.#pending.has(uuid)) {
      throw new ConflictError(
        `Dataset '${uuid}' already exists; delete it first (DELETE /datasets/delete?dataset_id=${encodeURIComponent(uuid)}) or pick another uuid.`,
        { field: 'uuid' },
      );
    }
    this.#pending.add(uuid);
    return () => this.#pending.delete(uuid);
  }

  async add(entry: StoredDataset): Promise<void> {
    await this.#change(() => this.#datasets.set(entry.uuid, entry));
  }

  /** Removes a dataset and answers what it was; `undefined` when there was none. */
  async remove(uuid: string): Promise<StoredDataset | undefined> {
    const entry = this.#datasets.get(uuid);
    if (!entry) return undefined;
    await this.#change(() => this.#datasets.delete(uuid));
    return entry;
  }

  /** Applies a change in memory and writes the registry; a failed write undoes the change. */
  #change(apply: () => void): Promise<void> {
    const write = this.#writes.then(async () => {
      const before = new Map(this.#datasets);
      apply();
      try {
        await this.#write();
      } catch (error) {
        this.#datasets.clear();
        for (const [uuid, entry] of before) this.#datasets.set(uuid, entry);
        throw error;
      }
    });
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
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
