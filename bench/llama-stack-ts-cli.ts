import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The command as this package installs it (a devDependency); its exports map hides package.json.
const cliDir = fileURLToPath(new URL('./node_modules/@llama-stack-ts/cli/', import.meta.url));

/** The `llama-stack-ts` executable script, run with `node` as users run it. */
export const llamaStackTsCli = join(cliDir, 'bin/llama-stack-ts.js');

/**
 * Exits with a message when packages/cli has no build: the benchmarks run the command from dist/,
 * as users do, not from the sources through tsx (which would time the compiler).
 */
export function requireBuiltCli(script: string): void {
  if (existsSync(join(cliDir, 'dist/index.js'))) return;
  process.stderr.write(
    'packages/cli has no dist/: build it first (pnpm turbo run build --filter=@llama-stack-ts/distribution-local...),\n' +
      `or run this through \`pnpm --filter @llama-stack-ts/bench run ${script}\`, which does.\n`,
  );
  process.exit(1);
}
