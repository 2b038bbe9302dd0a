export {
  createFixtureServer,
  type FixtureHandler,
  type FixtureHandlers,
  type FixtureRequest,
  type FixtureResponse,
  type FixtureServer,
} from './fixture-server.js';
export { type LoopbackHub, type LoopbackHubOptions, startLoopbackHub } from './loopback-hub.js';
export { RecordingLogger } from './recording-logger.js';
export { testModel, testModelsDir } from './test-models.js';
