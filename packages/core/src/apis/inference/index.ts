export * from './inference-protocol.js';
export * from './inference-routes.js';
export * from './inference-schemas.js';
