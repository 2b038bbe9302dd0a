import { mergeConfig } from 'vitest/config';
import { defineStackTestConfig } from '../../../vitest.shared.js';

// Model-dependent tests load real GGUF files: one forked worker at a time (the machine has 2 cores
// and llama.cpp spins its threads), with timeouts that allow a cold model load on a busy machine.
export default mergeConfig(defineStackTestConfig({ testTimeout: 120_000, singleFork: true }), {
  test: { hookTimeout: 120_000 },
});
