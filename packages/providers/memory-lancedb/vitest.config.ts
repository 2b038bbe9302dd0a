import { mergeConfig } from 'vitest/config';
import { defineStackTestConfig } from '../../../vitest.shared.js';

// LanceDB tests write real tables and build indexes on a shared 2-core machine: one forked worker,
// with timeouts that allow an index build. Tests that read tables import @lancedb/lancedb before
// any provider starts, so the worker quiets LanceDB's native warnings first, as the provider does.
export default mergeConfig(defineStackTestConfig({ testTimeout: 60_000, singleFork: true }), {
  test: { setupFiles: ['test/support/silence-lancedb-warnings-setup.ts'] },
});
