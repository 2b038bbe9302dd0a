import { type ApiName, apiNames } from '@llama-stack-ts/core';

/**
 * tsyringe tokens under which a stack's container holds each API implementation (a router where
 * several providers share an API), the model registry, the manifest and the stack itself:
 * `stack.container.resolve(apiTokens.inference)`. `Symbol.for`, so they match across duplicate
 * installs of this package.
 */
export const apiTokens: Readonly<Record<ApiName, symbol>> = Object.fromEntries(
  apiNames.map((api) => [api, Symbol.for(`llama-stack-ts.api.${api}`)]),
) as Record<ApiName, symbol>;

/** The model registry (`Models`). */
export const ModelsToken = Symbol.for('llama-stack-ts.models');
/** The validated `DistributionManifest`. */
export const ManifestToken = Symbol.for('llama-stack-ts.manifest');
/** The `Stack` itself. */
export const StackToken = Symbol.for('llama-stack-ts.stack');

/** The token of one provider instance's implementation, for providers that share an API. */
export function providerToken(providerId: string): symbol {
  return Symbol.for(`llama-stack-ts.provider.${providerId}`);
}
