export * from './files-protocol.js';
export * from './files-routes.js';
export * from './files-schemas.js';
export * from './uploaded-file.js';
