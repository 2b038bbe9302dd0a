import { defineConfig } from 'vitest/config';

/**
 * Shared Vitest settings: workspace packages resolve to their TypeScript sources through the
 * `@llama-stack-ts/source` export condition, so tests never need a prior build.
 */
export const sourceConditions = ['@llama-stack-ts/source', 'import', 'module', 'node', 'default'];

export function defineStackTestConfig(options: { testTimeout?: number; singleFork?: boolean } = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@llama-stack-ts/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 15_000,
      // A hook prepares what its tests use (a model, a 100 MB file): it gets the same budget.
      hookTimeout: options.testTimeout ?? 15_000,
      // expect.poll returns as soon as its condition holds; its 1 s default fails on a loaded machine.
      expect: { poll: { timeout: 10_000 } },
      pool: 'forks',
      ...(options.singleFork ? { poolOptions: { forks: { singleFork: true } } } : {}),
    },
  });
}
