import { type DiscoveredModel, defineProviderSpec, type TextGenerationInference } from '@llama-stack-ts/core';
import { RemoteTgiConfig, sampleRemoteTgiConfig } from './remote-tgi-config.js';
import { RemoteTgiInference } from './remote-tgi-inference.js';

/**
 * `remote::tgi`: completions and chat from a Text Generation Inference server over HTTP, per
 * `../shared/spec/tgi-openapi.json` (/generate, /generate_stream, /tokenize, /info). A TGI server
 * runs one model: every model registered with this provider is answered by it.
 */
export const remoteTgiProviderSpec = defineProviderSpec<RemoteTgiConfig, TextGenerationInference>({
  specVersion: 'v1',
  api: 'inference',
  providerType: 'remote::tgi',
  description:
    "A Text Generation Inference server: completions and chat (Llama 3 prompts), JSON output and forced tool calls under TGI's grammar, logprobs from its details, tokenize and model info.",
  configSchema: RemoteTgiConfig,
  sampleConfig: sampleRemoteTgiConfig,
  async create(config, context) {
    const parsed = RemoteTgiConfig.parse(config);
    const implementation = new RemoteTgiInference({
      config: parsed,
      providerId: context.providerId,
      apiKey: parsed.api_key || undefined,
    });
    return {
      implementation,
      discoverModels: async (): Promise<DiscoveredModel[]> => {
        try {
          const { model_id } = await implementation.info(parsed.read_timeout_ms);
          const identifier = parsed.model_id ?? model_id;
          if (context.models.some((model) => model.identifier === identifier)) return [];
          return [{ identifier, provider_resource_id: model_id, model_type: 'llm' }];
        } catch (error) {
          context.logger.warn('the TGI server is unreachable: serving the models known so far', {
            reason: error instanceof Error ? error.message : String(error),
          });
          return [];
        }
      },
      // Degraded while /info fails; ok again as soon as it answers.
      health: async () => {
        if (implementation.disposed) return { status: 'error', message: 'disposed' };
        await implementation.info(parsed.connect_timeout_ms);
        return { status: 'ok' };
      },
      dispose: () => implementation.dispose(),
    };
  },
});
