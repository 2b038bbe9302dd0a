export * from './post-training-protocol.js';
export * from './post-training-routes.js';
export * from './post-training-schemas.js';
