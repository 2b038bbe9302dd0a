export { type OnnxSessionOptions, onnxSessionOptions } from './onnx-session-options.js';
export {
  type LoadTextClassifierOptions,
  type TextClassification,
  TextClassifier,
} from './text-classifier.js';
