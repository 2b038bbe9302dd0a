import type { ApiName } from '../apis/api-name.js';

/**
 * tsyringe tokens under which a stack's container holds each API implementation (a router where
 * several providers share an API), the model registry, the manifest and the stack itself:
 * `stack.container.resolve(apiTokens.inference)`. `Symbol.for`, so they match across duplicate
 * installs of this package.
 */
export const apiTokens: Readonly<Record<ApiName, symbol>> = {
  inference: Symbol.for('llama-stack-ts.api.inference'),
  safety: Symbol.for('llama-stack-ts.api.safety'),
  agentic_system: Symbol.for('llama-stack-ts.api.agentic_system'),
  memory_banks: Symbol.for('llama-stack-ts.api.memory_banks'),
  reward_scoring: Symbol.for('llama-stack-ts.api.reward_scoring'),
  synthetic_data_generation: Symbol.for('llama-stack-ts.api.synthetic_data_generation'),
  datasets: Symbol.for('llama-stack-ts.api.datasets'),
  post_training: Symbol.for('llama-stack-ts.api.post_training'),
  batch_inference: Symbol.for('llama-stack-ts.api.batch_inference'),
};

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
