import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `tests/support/repo-paths.ts`). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const testsDir = join(repoRoot, 'tests');

/** The `llama-stack-ts` command as installed in this package (a devDependency), run with `node`. */
export const cliBin = join(testsDir, 'node_modules/@llama-stack-ts/cli/bin/llama-stack-ts.js');

export const manifestsDir = join(testsDir, 'fixtures/manifests');

/** Manifest of the echo distribution: the fixture provider loaded with `module:`. */
export const echoManifest = join(manifestsDir, 'echo.yaml');
