export * from './batch-inference-protocol.js';
export * from './batch-inference-routes.js';
export * from './batch-inference-schemas.js';
export * from './openai-batch-schemas.js';
