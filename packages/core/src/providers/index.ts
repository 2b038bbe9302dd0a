export * from './provider-spec.js';
export * from './url-policy.js';
