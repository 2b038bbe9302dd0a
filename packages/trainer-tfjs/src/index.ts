export { causalLmLoss, targetLogProbabilities } from './causal-lm-loss.js';
export { DoraAdapter } from './dora.js';
export { readDoraCheckpointGguf, writeDoraCheckpointGguf } from './dora-checkpoint.js';
export {
  type DpoLossType,
  type DpoTrainingSettings,
  type PreferencePair,
  preferenceMargins,
  preferencePair,
  sequenceLogProbability,
  trainDpo,
} from './dpo.js';
export { embeddingLookup } from './embedding-lookup.js';
export { FullFineTune } from './full-fine-tune.js';
export { dequantize, supportedGgmlTypeNames, UnsupportedGgmlTypeError } from './gguf/dequantize.js';
export { type GgufTensor, GgufTensorReader } from './gguf/gguf-tensor-reader.js';
export {
  encodeGgufMetadata,
  f32Tensor,
  type GgufMetadataSection,
  type GgufTensorData,
  type GgufValue,
  writeGguf,
} from './gguf/gguf-writer.js';
export { cosineLearningRate } from './learning-rate-schedule.js';
export { llamaLogits } from './llama-forward.js';
export {
  type LlamaHyperparameters,
  llamaHyperparameters,
  trainableArchitectures,
  UnsupportedArchitectureError,
} from './llama-hyperparameters.js';
export { writeLlamaModelGguf } from './llama-model-gguf-writer.js';
export { llamaNamedWeights } from './llama-weight-names.js';
export {
  blockTensorName,
  disposeLlamaWeights,
  type LlamaBlockProjection,
  type LlamaWeights,
  llamaBlockProjections,
  loadLlamaWeights,
} from './llama-weights.js';
export {
  LoraAdapter,
  type LoraAttentionModule,
  type LoraConfig,
  type LoraPair,
  loraAttentionModules,
} from './lora.js';
export { readLoraAdapterGguf } from './lora-adapter-gguf-reader.js';
export { writeLoraAdapterGguf } from './lora-adapter-gguf-writer.js';
export {
  type LoraTrainingSettings,
  meanLoss,
  type TrainingExample,
  type TrainingHooks,
  type TrainingResume,
  type TrainingStep,
  trainingStepCount,
  trainLora,
  trainVariables,
} from './lora-trainer.js';
export { Optimizer, type OptimizerKind, type OptimizerSettings, type OptimizerState } from './optimizer.js';
export type { ProjectionAdapter } from './projection-adapter.js';
export { materialize, type ProjectionWeight, QuantizedMatrix } from './quantized-matrix.js';
export { seededShuffle } from './seeded-shuffle.js';
export { defaultTfjsBackend, type TfjsBackendName, tf, useTfjsBackend } from './tfjs-engine.js';
export { type DialogMessage, dialogExample, textExample } from './training-examples.js';
