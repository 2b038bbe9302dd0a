import { defineStackTestConfig } from '../../../vitest.shared.js';

// The stack test loads an ONNX model (onnxruntime uses every core): one forked worker.
export default defineStackTestConfig({ testTimeout: 60_000, singleFork: true });
