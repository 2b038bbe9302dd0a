import { camelCase, createStackClient, type StackClient, type UntypedMethod } from '@llama-stack-ts/client';
import type { ApiName, DiscoveredModel, ModelType } from '@llama-stack-ts/core';
import {
  createJsonResponseHandler,
  createStatusCodeErrorResponseHandler,
  getFromApi,
  redactUrl,
  shareConcurrentGets,
  upstreamCallOptions,
} from '@llama-stack-ts/provider-utils';
import { z } from 'zod';
import type { RemoteLlamaStackConfig } from './remote-llama-stack-config.js';

/**
 * The probes of every provider in this process: a stack's providers of one upstream (one per API)
 * ask its `/health`, and its `/models/list`, at the same moment, and make one request between them.
 */
const probeFetch = shareConcurrentGets();

/** The upstream llama-stack-ts server of one provider: its typed client, its health and its models. */
export class UpstreamStack {
  readonly client: StackClient;
  /** The same client for the probes: its GETs shared with the other providers of the upstream. */
  readonly #probes: StackClient;
  readonly #config: RemoteLlamaStackConfig;
  /** How errors name the upstream: the provider id and the URL, without credentials. */
  readonly #name: string;

  constructor(options: { config: RemoteLlamaStackConfig; providerId: string; apiKey: string | undefined }) {
    this.#config = options.config;
    this.#name = `'${options.providerId}' at ${redactUrl(options.config.base_url)}`;
    const clientOptions = {
      baseUrl: options.config.base_url,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      name: this.#name,
      gateway: (call: { streamed: boolean }) => upstreamCallOptions(this.#config, call),
    };
    this.client = createStackClient(clientOptions);
    this.#probes = createStackClient({ ...clientOptions, fetch: probeFetch });
  }

  /** The client's methods for `api`, by operation name (the table's types are widened per API here). */
  methodsOf(api: ApiName): Record<string, UntypedMethod> {
    return (this.client as unknown as Record<string, Record<string, UntypedMethod>>)[camelCase(api)] ?? {};
  }

  /**
   * The upstream's models of `types` that `registered` does not serve yet, under the upstream's ids.
   * Throws when the upstream cannot be reached.
   */
  async discoverModels(
    types: readonly ModelType[],
    registered: ReadonlySet<string>,
  ): Promise<DiscoveredModel[]> {
    const { data } = await this.#probes.models.listModels();
    return data
      .filter((model) => types.includes(model.model_type) && !registered.has(model.identifier))
      .map((model) => ({
        identifier: model.identifier,
        provider_resource_id: model.identifier,
        model_type: model.model_type,
      }));
  }

  /** The upstream's own `/health`: throws, naming the upstream, while it is down or degraded. */
  async health(): Promise<void> {
    await getFromApi({
      url: `${this.#config.base_url}/health`,
      fetch: probeFetch,
      provider: this.#name,
      gateway: true,
      connectTimeoutMs: this.#config.connect_timeout_ms,
      readTimeoutMs: this.#config.connect_timeout_ms,
      successfulResponseHandler: createJsonResponseHandler(z.unknown()),
      failedResponseHandler: createStatusCodeErrorResponseHandler(),
    });
  }
}
