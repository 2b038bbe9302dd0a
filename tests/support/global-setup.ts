import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-paths.js';

/**
 * The suites start the real command, which runs from `dist/` once built (as users run it). Under
 * `turbo run test` the builds ran first (`^build`); when vitest is run directly, this builds what
 * is missing or older than its sources, through turbo so its cache makes a fresh build free.
 * `LLAMA_STACK_TS_FROM_SOURCE=1` skips it: the command then runs the TypeScript sources.
 */
const packagesTheCommandLoads = [
  'packages/core',
  'packages/server',
  'packages/cli',
  'packages/provider-utils',
  'packages/stack',
  'packages/providers/inference-llama-cpp',
  'packages/providers/inference-remote-openai',
  'packages/providers/inference-remote-tgi',
  'packages/providers/remote-llama-stack',
  'packages/client',
  'packages/providers/embeddings-transformers',
  'packages/providers/embeddings-model2vec',
  'packages/providers/memory-lancedb',
  'packages/providers/safety-shields',
  'packages/providers/agents-reference',
  'packages/providers/datasets-localfs',
  'packages/providers/files-localfs',
  'packages/providers/batch-inference-jobs',
  'packages/openai-compat',
  'packages/providers/reward-scoring-llm-judge',
  'packages/providers/reward-scoring-classifier',
  'packages/providers/synthetic-data-reference',
  'packages/providers/post-training-tfjs',
  'packages/trainer-tfjs',
  'tests/fixtures/provider-echo',
];

export default function setup(): void {
  // Under turbo (which sets TURBO_HASH in each task) `test` waited for `^build` already.
  if (process.env.LLAMA_STACK_TS_FROM_SOURCE === '1' || process.env.TURBO_HASH) return;
  const stale = packagesTheCommandLoads.filter((dir) => isStale(join(repoRoot, dir)));
  if (stale.length === 0) return;
  process.stderr.write(`tests: building ${stale.join(', ')} (dist/ missing or older than src/)...\n`);
  const result = spawnSync(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@llama-stack-ts/cli',
      '--filter=@llama-stack-ts-fixtures/provider-echo',
      '--filter=@llama-stack-ts/provider-inference-llama-cpp',
      '--filter=@llama-stack-ts/provider-inference-remote-openai',
      '--filter=@llama-stack-ts/provider-inference-remote-tgi',
      '--filter=@llama-stack-ts/provider-remote-llama-stack',
      '--filter=@llama-stack-ts/provider-embeddings-transformers',
      '--filter=@llama-stack-ts/provider-embeddings-model2vec',
      '--filter=@llama-stack-ts/provider-memory-lancedb',
      '--filter=@llama-stack-ts/provider-safety-shields',
      '--filter=@llama-stack-ts/provider-agents-reference',
      '--filter=@llama-stack-ts/provider-datasets-localfs',
      '--filter=@llama-stack-ts/provider-files-localfs',
      '--filter=@llama-stack-ts/provider-batch-inference-jobs',
      '--filter=@llama-stack-ts/provider-reward-scoring-llm-judge',
      '--filter=@llama-stack-ts/provider-reward-scoring-classifier',
      '--filter=@llama-stack-ts/provider-synthetic-data-reference',
      '--output-logs=errors-only',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    throw new Error(
      'Building the CLI and the echo fixture failed (see above). Fix the build, or run the suites on ' +
        'the TypeScript sources with LLAMA_STACK_TS_FROM_SOURCE=1.',
    );
  }
}

function isStale(packageDir: string): boolean {
  const built = join(packageDir, 'dist/index.js');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return (
    newestMtime(join(packageDir, 'src')) > builtAt ||
    statSync(join(packageDir, 'package.json')).mtimeMs > builtAt
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}
