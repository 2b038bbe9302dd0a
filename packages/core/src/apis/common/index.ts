export * from './common-schemas.js';
export * from './registration-id.js';
