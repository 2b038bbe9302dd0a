export { createTgiRoutes, type TgiRoutesOptions } from './create-tgi-routes.js';
export { RegexGrammarError, regexToGbnf } from './regex-to-gbnf.js';
export { TgiErrorResponse, tgiErrorShape } from './tgi-error-shape.js';
export * from './tgi-response-schemas.js';
export { type TgiRoute, tgiRoutes } from './tgi-routes.js';
export * from './tgi-schemas.js';
