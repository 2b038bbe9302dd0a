import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
function findRepoRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'pnpm-workspace.yaml'))) {
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error('cannot find the repository root (pnpm-workspace.yaml) above the tests');
    folder = parent;
  }
  return folder;
}

export const repoRoot = findRepoRoot();

/** `LLAMA_STACK_TS_TEST_MODELS`, resolved from the repository root; default `<root>/../shared/models`. */
export const testModelsDir = resolve(repoRoot, process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models');

const requireModels = () => process.env.LLAMA_STACK_TS_REQUIRE_MODELS === '1';

function missingModelsMessage(missing: readonly string[]): string {
  return (
    `Missing test model(s): ${missing.join(', ')}. Set LLAMA_STACK_TS_TEST_MODELS to the folder ` +
    'holding shared/models (see shared/models/SOURCES.md).'
  );
}

/**
 * `describe` for suites that need real model files: skipped when one is missing, unless
 * `LLAMA_STACK_TS_REQUIRE_MODELS=1`, in which case the suite fails and names the file.
 */
export function describeWithModels(name: string, files: readonly string[], body: () => void): void {
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  if (requireModels()) {
    describe(name, () => {
      throw new Error(missingModelsMessage(missing));
    });
    return;
  }
  describe.skip(`${name} (missing ${missing.join(', ')})`, body);
}
