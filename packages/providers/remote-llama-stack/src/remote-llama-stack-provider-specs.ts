import {
  type ApiName,
  allRoutes,
  apiNames,
  type DiscoveredModel,
  defineProviderSpec,
  type Model,
  type ModelType,
  type ProviderSpec,
} from '@llama-stack-ts/core';
import { forwardApi } from './forward-api.js';
import { RemoteLlamaStackConfig, sampleRemoteLlamaStackConfig } from './remote-llama-stack-config.js';
import { UpstreamStack } from './upstream-stack.js';

/** The upstream models an API's provider serves: the routers send calls by `model`. */
const servedModelTypes: Partial<Record<ApiName, readonly ModelType[]>> = {
  inference: ['llm', 'embedding'],
  reward_scoring: ['reward'],
};

/**
 * `remote::llama-stack` for `api`: every route of the API forwarded to another llama-stack-ts
 * server through the typed client, which `callApi` backs as a gateway (timeouts, 429/503 retries,
 * the caller's abort, upstream 4xx passed on and 5xx or unreachable as 502 naming the upstream).
 * The forwarding is built from core's route table, so a new route is forwarded the day it lands.
 */
function remoteLlamaStackSpec(api: ApiName): ProviderSpec<RemoteLlamaStackConfig> {
  return defineProviderSpec<RemoteLlamaStackConfig, unknown>({
    specVersion: 'v1',
    api,
    providerType: 'remote::llama-stack',
    description: `The ${api} API of another llama-stack-ts server, each call forwarded through the typed client.`,
    configSchema: RemoteLlamaStackConfig,
    sampleConfig: sampleRemoteLlamaStackConfig,
    async create(config, context) {
      const parsed = RemoteLlamaStackConfig.parse(config);
      const upstream = new UpstreamStack({
        config: parsed,
        providerId: context.providerId,
        apiKey: parsed.api_key || process.env.LLAMA_STACK_API_KEY || undefined,
      });
      const upstreamIds = new Map<string, string>();
      const addModel = (model: Pick<Model, 'identifier' | 'provider_resource_id'>) =>
        upstreamIds.set(model.identifier, model.provider_resource_id);
      for (const model of context.models) addModel(model);

      const types = servedModelTypes[api] ?? [];
      const served = new Set(
        context.models.flatMap((model) => [model.identifier, model.provider_resource_id]),
      );
      const discoverModels = async (): Promise<DiscoveredModel[]> => {
        try {
          const found = await upstream.discoverModels(types, served);
          for (const model of found) addModel(model);
          return found;
        } catch (error) {
          // An upstream that is down lists none; the stack asks again later.
          context.logger.warn('the upstream is unreachable: serving the models known so far', {
            reason: error instanceof Error ? error.message : String(error),
          });
          return [];
        }
      };

      const implementation = forwardApi(
        allRoutes.filter((route) => route.api === api),
        upstream.methodsOf(api),
        (model) => upstreamIds.get(model) ?? model,
      );
      return {
        implementation,
        ...(types.length > 0 ? { discoverModels } : {}),
        registerModel: async (model) => {
          addModel(model);
        },
        // Degraded while the upstream cannot be reached or is itself degraded; ok once it answers.
        health: async () => {
          await upstream.health();
          return { status: 'ok' };
        },
      };
    },
  });
}

/** One `remote::llama-stack` spec per API a provider serves, all forwarding to their `base_url`. */
export const remoteLlamaStackProviderSpecs: readonly ProviderSpec<RemoteLlamaStackConfig>[] =
  apiNames.map(remoteLlamaStackSpec);
