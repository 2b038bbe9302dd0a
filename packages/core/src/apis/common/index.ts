export * from './common-schemas.js';
export * from './identifier.js';
