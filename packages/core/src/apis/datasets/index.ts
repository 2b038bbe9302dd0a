export * from './datasets-protocol.js';
export * from './datasets-routes.js';
export * from './datasets-schemas.js';
