import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'pnpm-workspace.yaml'))) {
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error('cannot find the repository root (pnpm-workspace.yaml) above the tests');
    folder = parent;
  }
  return folder;
}

/** `LLAMA_STACK_TS_TEST_MODELS`, resolved from the repository root; default `<root>/../shared/models`. */
export const testModelsDir = resolve(
  repositoryRoot(),
  process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models',
);

/**
 * The folder of a test model, or undefined when it is missing (the suite then skips). With
 * `LLAMA_STACK_TS_REQUIRE_MODELS=1` (CI) a missing model throws, so the suite fails instead.
 */
export function testModel(relativePath: string, requiredFile: string): string | undefined {
  const folder = join(testModelsDir, relativePath);
  if (existsSync(join(folder, requiredFile))) return folder;
  if (process.env.LLAMA_STACK_TS_REQUIRE_MODELS === '1') {
    throw new Error(
      `test model ${join(folder, requiredFile)} is missing and LLAMA_STACK_TS_REQUIRE_MODELS=1; ` +
        'set LLAMA_STACK_TS_TEST_MODELS to the folder holding shared/models (see shared/models/SOURCES.md).',
    );
  }
  return undefined;
}
