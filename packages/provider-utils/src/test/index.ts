export {
  describeEmbeddingProviderContract,
  type EmbeddingProviderContractOptions,
} from './describe-embedding-provider-contract.js';
export {
  type EmbeddingProviderTestKit,
  embeddingProviderTestKit,
  type StartedEmbeddingProvider,
} from './embedding-provider-test-kit.js';
export {
  createFixtureServer,
  type FixtureHandler,
  type FixtureHandlers,
  type FixtureRequest,
  type FixtureResponse,
  type FixtureServer,
  type FixtureServerOptions,
} from './fixture-server.js';
export { type LoopbackHub, type LoopbackHubOptions, startLoopbackHub } from './loopback-hub.js';
export {
  type ClassifierWeights,
  encodeClassifierModel,
  seededNormal,
  type TinyTextClassifierOptions,
  writeTinyTextClassifier,
} from './onnx/write-tiny-text-classifier.js';
export { type RecordedLine, RecordingLogger } from './recording-logger.js';
export { seededRandom } from './seeded-random.js';
export { stackErrorOf } from './stack-error-of.js';
export { describeWithModels, repoRoot, testModelsDir } from './test-models.js';
export { cosineSimilarity, expectVectorsClose, vectorNorm } from './vector-assertions.js';
