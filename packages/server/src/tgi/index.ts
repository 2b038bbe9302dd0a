export { createTgiRoutes, type TgiRoutesOptions } from './create-tgi-routes.js';
export type { TgiInfo } from './info-routes.js';
export { RegexGrammarError, regexToGbnf } from './regex-to-gbnf.js';
export { type MappedTgiError, mapTgiError } from './tgi-error.js';
export type * from './tgi-schemas.js';
