import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The test models folder: LLAMA_STACK_TS_TEST_MODELS, else ../shared/models from the repository root. */
export const modelsDir = resolve(repoRoot, process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models');

/** Exits with a message naming the first of `folders` that is missing, before any work starts. */
export function requireModelFolders(folders: readonly string[]): void {
  for (const folder of folders) {
    if (!existsSync(folder)) {
      console.error(
        `missing model folder ${folder}; set LLAMA_STACK_TS_TEST_MODELS (see shared/models/SOURCES.md)`,
      );
      process.exit(1);
    }
  }
}
