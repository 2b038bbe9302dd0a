import { defineStackTestConfig } from '../../../vitest.shared.js';

// LanceDB tests write real tables and build indexes on a shared 2-core machine: one forked worker,
// with timeouts that allow an index build.
export default defineStackTestConfig({ testTimeout: 60_000, singleFork: true });
