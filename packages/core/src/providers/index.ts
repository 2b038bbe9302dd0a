export * from './provider-spec.js';
