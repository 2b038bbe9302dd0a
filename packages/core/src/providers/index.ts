export * from './builtin-providers.js';
export * from './injection-tokens.js';
export * from './provider-registry.js';
export * from './provider-spec.js';
