import { defineStackTestConfig } from '../../../vitest.shared.js';

// Model tests load a GGUF and an ONNX classifier; one forked worker keeps the shared 2-core machine usable.
export default defineStackTestConfig({ testTimeout: 60_000, singleFork: true });
