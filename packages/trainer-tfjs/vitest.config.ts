import { defineStackTestConfig } from '../../vitest.shared.js';

// Training tests run real models on a shared 2-core machine: one forked worker and a wide budget.
export default defineStackTestConfig({ testTimeout: 180_000, singleFork: true });
