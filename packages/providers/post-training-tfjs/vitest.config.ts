import { defineStackTestConfig } from '../../../vitest.shared.js';

// The stack test loads a real GGUF model on a shared 2-core machine: one forked worker.
export default defineStackTestConfig({ testTimeout: 60_000, singleFork: true });
