export * from './safety-protocol.js';
export * from './safety-routes.js';
export * from './safety-schemas.js';
