import { defineStackTestConfig } from '../../../vitest.shared.js';

// Model-dependent tests load real GGUF files: one forked worker at a time (the machine has 2 cores
// and llama.cpp spins its threads), with timeouts that allow a cold model load.
export default defineStackTestConfig({ testTimeout: 120_000, singleFork: true });
