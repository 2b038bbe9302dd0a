import { defineStackTestConfig } from '../../../vitest.shared.js';

// The large-file test writes and reads ~100 MB; generous timeouts for the shared 2-core machine.
export default defineStackTestConfig({ testTimeout: 120_000 });
