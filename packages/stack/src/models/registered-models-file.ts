import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Model } from '@llama-stack-ts/core';
import { fileIdentity, withFileLock } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';

const RegisteredModelsFileContent = z.object({ version: z.literal(1), models: z.array(Model) });

/**
 * The models registered at run time, in one JSON file of the stack's data directory that every
 * process of the distribution (API servers, workers) reads and writes. `read()` costs one `stat`
 * unless another process replaced the file; `add()` takes the file's lock, reads it again, and
 * writes a temporary file renamed over the old one, so a crash leaves the old list or the new one.
 */
export class RegisteredModelsFile {
  readonly path: string;
  #models: Model[] = [];
  /** `fileIdentity` of the file last read or written. */
  #seen = '';

  constructor(path: string) {
    this.path = path;
  }

  /** Whether another process (or nobody yet) changed the file since this one last read or wrote it. */
  changed(): boolean {
    return fileIdentity(this.path) !== this.#seen;
  }

  /** The models the file holds now. */
  read(): readonly Model[] {
    const identity = fileIdentity(this.path);
    if (identity === this.#seen) return this.#models;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#models = [];
      this.#seen = 'absent';
      return this.#models;
    }
    const parsed = RegisteredModelsFileContent.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new Error(
        `The registered models file ${this.path} is not one this stack wrote (${parsed.error.issues[0]?.message}); ` +
          'restore it from a backup, or move it away to start with the manifest models only.',
      );
    }
    this.#models = parsed.data.models;
    this.#seen = identity;
    return this.#models;
  }

  /**
   * Under the file's lock: `decide` sees the model the file holds under the same identifier (if
   * any) and answers whether to append `model`; it throws to refuse.
   */
  add(model: Model, decide: (existing: Model | undefined) => boolean): Promise<void> {
    return withFileLock(this.path, async () => {
      const models = this.read();
      if (!decide(models.find((candidate) => candidate.identifier === model.identifier))) return;
      const next = [...models, model];
      const temporary = join(dirname(this.path), `.${basename(this.path)}-${randomUUID()}`);
      const content: z.input<typeof RegisteredModelsFileContent> = { version: 1, models: next };
      await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, 'utf8');
      try {
        await rename(temporary, this.path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      this.#models = next;
      this.#seen = fileIdentity(this.path);
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
