export * from './synthetic-data-generation-protocol.js';
export * from './synthetic-data-generation-routes.js';
export * from './synthetic-data-generation-schemas.js';
