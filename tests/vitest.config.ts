import { defineConfig } from 'vitest/config';
import { defineStackTestConfig } from '../vitest.shared.js';

// These suites start the CLI as child processes and wait for real sockets on a shared 2-core
// machine: generous timeouts, and one file at a time so start-up times stay comparable.
const shared = defineStackTestConfig({ testTimeout: 60_000, singleFork: true });

export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['*.test.ts', 'e2e/**/*.test.ts', 'hostile/**/*.test.ts'],
    exclude: ['fixtures/**', 'node_modules/**'],
    hookTimeout: 120_000,
    // Builds the CLI and the echo fixture when their dist/ is missing or older than their sources.
    globalSetup: ['./support/global-setup.ts'],
  },
});
