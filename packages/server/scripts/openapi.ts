/**
 * `openapi:write` writes docs/openapi.yaml (repository root) from the route tables of every
 * surface the stack app serves;
 * `openapi:check` exits 1 when the committed file differs from what would be written.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allRoutes } from '@llama-stack-ts/core';
import { renderOpenApiYaml } from '../src/openapi/render-openapi-yaml.js';
import { stackAppRoutes } from '../src/stack-app-routes.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const target = resolve(repoRoot, 'docs/openapi.yaml');
const shown = relative(process.cwd(), target) || target;

const mode = process.argv[2];
const routes = stackAppRoutes(allRoutes);
const expected = renderOpenApiYaml(routes);

if (mode === 'write') {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, expected);
  console.log(`Wrote ${shown} (${routes.length} routes).`);
} else if (mode === 'check') {
  const actual = await readFile(target, 'utf8').catch(() => undefined);
  if (actual === expected) {
    console.log(`${shown} is up to date (${routes.length} routes).`);
  } else {
    console.error(
      actual === undefined
        ? `${shown} is missing. Run \`pnpm openapi:write\` and commit it.`
        : `${shown} is stale: the route tables changed. Run \`pnpm openapi:write\` and commit the result.`,
    );
    process.exitCode = 1;
  }
} else {
  console.error('Usage: openapi.ts write|check');
  process.exitCode = 2;
}
