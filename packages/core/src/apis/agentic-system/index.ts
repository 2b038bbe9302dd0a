export * from './agentic-system-protocol.js';
export * from './agentic-system-routes.js';
export * from './agentic-system-schemas.js';
