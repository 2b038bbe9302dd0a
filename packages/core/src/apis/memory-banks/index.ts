export * from './memory-bank-registration.js';
export * from './memory-banks-protocol.js';
export * from './memory-banks-routes.js';
export * from './memory-banks-schemas.js';
