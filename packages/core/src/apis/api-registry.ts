import { z } from 'zod';
import { type AgenticSystem, agenticSystemRoutes } from './agentic-system/index.js';
import { type BatchInference, batchInferenceRoutes } from './batch-inference/index.js';
import { type Datasets, datasetsRoutes } from './datasets/index.js';
import { type Files, filesRoutes } from './files/index.js';
import { type Inference, inferenceRoutes } from './inference/index.js';
import { type MemoryBanks, memoryBanksRoutes } from './memory-banks/index.js';
import { type Models, modelsRoutes } from './models/index.js';
import { type PostTraining, postTrainingRoutes } from './post-training/index.js';
import { type RewardScoring, rewardScoringRoutes } from './reward-scoring/index.js';
import type { RouteDefinition } from './route-definition.js';
import { type Safety, safetyRoutes } from './safety/index.js';
import {
  type SyntheticDataGeneration,
  syntheticDataGenerationRoutes,
} from './synthetic-data-generation/index.js';

declare const protocolType: unique symbol;

/** How an API is served: `providers` when a manifest names a provider for it, `stack` when every stack serves it itself. */
export type ApiServedBy = 'providers' | 'stack';

/** One API: its wire name, what it is for, its route table, and (as a type) its protocol. */
export interface ApiDefinition<
  Name extends string = string,
  Routes extends readonly { readonly api: Name }[] = readonly RouteDefinition<unknown, Name>[],
  Protocol = unknown,
  ServedBy extends ApiServedBy = ApiServedBy,
> {
  /** The key under `providers:` in a manifest, and the `api` of each of its routes. */
  readonly name: Name;
  readonly description: string;
  readonly servedBy: ServedBy;
  readonly routes: Routes;
  /** Carries the protocol type only, for `ApiProtocols`; never set. */
  readonly [protocolType]?: Protocol;
}

/**
 * Declares an API for `apiRegistry`; the protocol type checks the route table's operation names
 * and becomes the API's entry in `ApiProtocols`.
 */
export function defineApi<Protocol>() {
  return <
    const Name extends string,
    const Routes extends readonly RouteDefinition<Protocol, Name>[],
    const ServedBy extends ApiServedBy = 'providers',
  >(api: {
    name: Name;
    description: string;
    servedBy?: ServedBy;
    routes: Routes;
  }): ApiDefinition<Name, Routes, Protocol, ServedBy> =>
    ({ ...api, servedBy: api.servedBy ?? 'providers' }) as ApiDefinition<Name, Routes, Protocol, ServedBy>;
}

/**
 * Every API, in the order the OpenAPI document and `list-apis` show them. `ApiName`, the typed
 * route list, the server's routes, the client's methods, the stack's injection tokens and the API
 * descriptions all derive from this table: adding an API is one folder under `apis/` and one line here.
 */
export const apiRegistry = [
  defineApi<Models>()({
    name: 'models',
    description: 'The models the distribution registers (served by every stack).',
    servedBy: 'stack',
    routes: modelsRoutes,
  }),
  defineApi<Inference>()({
    name: 'inference',
    description: 'Completions, chat completions (streamed or not), batches and embeddings.',
    routes: inferenceRoutes,
  }),
  defineApi<Safety>()({
    name: 'safety',
    description: 'Shields that check messages: Llama Guard, Prompt Guard, code scanning.',
    routes: safetyRoutes,
  }),
  defineApi<AgenticSystem>()({
    name: 'agentic_system',
    description: 'Agents: turns that loop over inference, tools, memory retrieval and shields.',
    routes: agenticSystemRoutes,
  }),
  defineApi<MemoryBanks>()({
    name: 'memory_banks',
    description: 'Document banks agents retrieve from: create, insert, query, delete.',
    routes: memoryBanksRoutes,
  }),
  defineApi<RewardScoring>()({
    name: 'reward_scoring',
    description: 'Score dialogs with a reward model.',
    routes: rewardScoringRoutes,
  }),
  defineApi<SyntheticDataGeneration>()({
    name: 'synthetic_data_generation',
    description: 'Generate and filter synthetic dialogs.',
    routes: syntheticDataGenerationRoutes,
  }),
  defineApi<Datasets>()({
    name: 'datasets',
    description: 'Register and fetch datasets for training and evaluation.',
    routes: datasetsRoutes,
  }),
  defineApi<PostTraining>()({
    name: 'post_training',
    description: 'Fine-tuning jobs (SFT, preference optimisation): start, status, logs, artifacts.',
    routes: postTrainingRoutes,
  }),
  defineApi<BatchInference>()({
    name: 'batch_inference',
    description: 'Inference over a JSONL file of requests, as a job.',
    routes: batchInferenceRoutes,
  }),
  defineApi<Files>()({
    name: 'files',
    description: "OpenAI's Files API: upload, list, retrieve, download and delete files (`/v1/files`).",
    routes: filesRoutes,
  }),
] as const;

type RegisteredApi = (typeof apiRegistry)[number];
type ProviderApi = Extract<RegisteredApi, { servedBy: 'providers' }>;

/** The APIs a distribution serves through providers; each is one key under `providers:` in a manifest. */
export type ApiName = ProviderApi['name'];

function isProviderApi(api: RegisteredApi): api is ProviderApi {
  return api.servedBy === 'providers';
}

export const apiNames: readonly ApiName[] = apiRegistry.filter(isProviderApi).map((api) => api.name);
export const ApiName = z.enum(apiNames as [ApiName, ...ApiName[]]);

/** The protocol each API's provider implements, by API name. */
export type ApiProtocols = {
  [Api in ProviderApi as Api['name']]: NonNullable<Api[typeof protocolType]>;
};

/** Any route of any API, its literal types kept (the client's methods derive from them). */
export type StackRoute = RegisteredApi['routes'][number];

/** Every route of a registry's APIs, in registry order, with their literal types kept. */
export function routesOf<const Registry extends readonly ApiDefinition[]>(
  registry: Registry,
): readonly Registry[number]['routes'][number][] {
  return registry.flatMap((api): readonly Registry[number]['routes'][number][] => api.routes);
}

/** Every route of every API, in registry order. */
export const allRoutes: readonly StackRoute[] = routesOf(apiRegistry);
