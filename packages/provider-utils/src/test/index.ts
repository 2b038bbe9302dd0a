export {
  createFixtureServer,
  type FixtureHandler,
  type FixtureHandlers,
  type FixtureRequest,
  type FixtureResponse,
  type FixtureServer,
} from './fixture-server.js';
