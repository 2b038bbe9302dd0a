export * from './safety-protocol.js';
export * from './safety-routes.js';
export * from './safety-schemas.js';
export * from './shield-registration.js';
