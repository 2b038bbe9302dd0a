import { defineProviderSpec, type Inference } from '@llama-stack-ts/core';
import { RemoteOpenAiConfig, sampleRemoteOpenAiConfig } from './remote-openai-config.js';
import { RemoteOpenAiInference } from './remote-openai-inference.js';

/**
 * `remote::openai`: chat, completions and embeddings from an OpenAI-compatible upstream over HTTP.
 * The wire shapes are those of `@llama-stack-ts/openai-compat` and the HTTP is provider-utils'
 * `callApi`, not the `openai` package: the gateway needs the abort, timeout, retry and error
 * mapping of that one piece, which every remote provider shares.
 */
export const remoteOpenAiProviderSpec = defineProviderSpec<RemoteOpenAiConfig, Inference>({
  specVersion: 'v1',
  api: 'inference',
  providerType: 'remote::openai',
  description:
    'An OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LocalAI, OpenAI, Together, Fireworks, another llama-stack-ts): chat, completions, tools, JSON schema output, logprobs, embeddings.',
  configSchema: RemoteOpenAiConfig,
  sampleConfig: sampleRemoteOpenAiConfig,
  async create(config, context) {
    const parsed = RemoteOpenAiConfig.parse(config);
    const apiKey = parsed.api_key || process.env.OPENAI_API_KEY || undefined;
    const implementation = new RemoteOpenAiInference({
      config: parsed,
      providerId: context.providerId,
      apiKey,
    });
    for (const model of context.models) implementation.addModel(model);
    return {
      implementation,
      discoverModels: async () => {
        const found = await implementation.discoverModels(context.models, (error) =>
          context.logger.warn('the upstream is unreachable: serving the models known so far', {
            reason: error instanceof Error ? error.message : String(error),
          }),
        );
        for (const model of found) implementation.addModel(model);
        return found;
      },
      registerModel: async (model) => implementation.addModel(model),
      // Degraded while the upstream cannot be reached; ok again as soon as it answers.
      health: async () => {
        if (implementation.disposed) return { status: 'error', message: 'disposed' };
        await implementation.listUpstreamModels(parsed.connect_timeout_ms);
        return { status: 'ok' };
      },
      dispose: () => implementation.dispose(),
    };
  },
});
