import { defineStackTestConfig } from '../../../vitest.shared.js';

// The tests run real jobs on Redis and a real model; generous timeouts for the shared 2-core machine.
export default defineStackTestConfig({ testTimeout: 120_000 });
