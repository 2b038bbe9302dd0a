export * from './reward-scoring-protocol.js';
export * from './reward-scoring-routes.js';
export * from './reward-scoring-schemas.js';
