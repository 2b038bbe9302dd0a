import type { ApiName, DiscoveredModel, Model, ProviderContext, ProviderSpec } from '@llama-stack-ts/core';
import { z } from 'zod';

/**
 * Scripted providers for the resolver's own tests: they record when they are created and disposed
 * and answer with their provider id, which is all the resolver and the router look at.
 */
export interface ScriptedOptions {
  api: ApiName;
  type: `inline::${string}` | `remote::${string}`;
  /** Shared log: `create:<provider_id>` and `dispose:<provider_id>` in the order they happen. */
  log: string[];
  dependencies?: ApiName[];
  optionalDependencies?: ApiName[];
  configSchema?: z.ZodType;
  /** Called inside create(); throw to simulate a provider failing to start. */
  onCreate?: (context: ProviderContext) => void;
  /** Resolves when dispose() may finish; default at once. */
  disposeGate?: () => Promise<void>;
  /** Contexts each create() received, by provider id. */
  contexts?: Map<string, ProviderContext>;
  /** Omit some methods to check 501s. */
  without?: string[];
  /** Models the provider reports it found on its own (a remote provider's upstream models), each time asked. */
  discoverModels?: () => DiscoveredModel[];
}

export function scriptedSpec(options: ScriptedOptions): ProviderSpec {
  return {
    specVersion: 'v1',
    api: options.api,
    providerType: options.type,
    description: `scripted ${options.api} provider for tests`,
    configSchema: options.configSchema ?? z.object({}).passthrough(),
    sampleConfig: () => ({}),
    apiDependencies: options.dependencies ?? [],
    optionalApiDependencies: options.optionalDependencies ?? [],
    async create(_config, context) {
      options.onCreate?.(context);
      options.contexts?.set(context.providerId, context);
      options.log.push(`create:${context.providerId}`);
      const id = context.providerId;
      const implementation: Record<string, unknown> = {
        async completion(request: { model: string }) {
          return { provider: id, model: request.model, operation: 'completion' };
        },
        async chatCompletion(request: { model: string }) {
          return { provider: id, model: request.model, operation: 'chatCompletion' };
        },
        async *streamChatCompletion(request: { model: string }) {
          yield { provider: id, model: request.model, delta: 'a' };
          yield { provider: id, model: request.model, delta: 'b' };
        },
        async embeddings(request: { model: string }) {
          return { provider: id, model: request.model, embeddings: [[0.5]] };
        },
        async tokenize(request: { model: string }) {
          return { provider: id, model: request.model, tokens: [1, 2] };
        },
        async score(request: { model: string }) {
          return { provider: id, model: request.model, scored_generations: [] };
        },
        deps: context.deps,
      };
      for (const name of options.without ?? []) delete implementation[name];
      const registered: Model[] = [];
      return {
        implementation,
        ...(options.discoverModels ? { discoverModels: async () => options.discoverModels?.() ?? [] } : {}),
        async registerModel(model: Model) {
          registered.push(model);
        },
        async dispose() {
          await options.disposeGate?.();
          options.log.push(`dispose:${id}`);
        },
      };
    },
  };
}
