export { dequantize, supportedGgmlTypeNames, UnsupportedGgmlTypeError } from './gguf/dequantize.js';
export { type GgufTensor, GgufTensorReader } from './gguf/gguf-tensor-reader.js';
export {
  type LlamaHyperparameters,
  llamaHyperparameters,
  trainableArchitectures,
  UnsupportedArchitectureError,
} from './llama-hyperparameters.js';
export { defaultTfjsBackend, type TfjsBackendName, tf, useTfjsBackend } from './tfjs-engine.js';
