import packageJson from '../package.json' with { type: 'json' };

/** The version of `@llama-stack-ts/server`, reported by `/version` and in the OpenAPI document. */
export const serverVersion: string = packageJson.version;
