export * from './agentic-system-protocol.js';
export * from './agentic-system-routes.js';
export * from './agentic-system-schemas.js';
export * from './agentic-system-session-protocol.js';
export * from './agentic-system-session-routes.js';
export * from './agentic-system-session-schemas.js';
