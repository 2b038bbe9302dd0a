export * from './models-protocol.js';
export * from './models-routes.js';
export * from './models-schemas.js';
