export * from './inference-model-info-schemas.js';
export * from './inference-protocol.js';
export * from './inference-routes.js';
export * from './inference-schemas.js';
export * from './inference-tokenize-schemas.js';
