export * from './parse-request.js';
