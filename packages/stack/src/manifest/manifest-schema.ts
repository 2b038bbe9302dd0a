// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifests spell ${env.NAME} literally.

import { isIP } from 'node:net';
import {
  ApiName,
  JsonObject,
  MemoryBankRegistration,
  ModelType,
  ShieldRegistration,
} from '@llama-stack-ts/core';
import { z } from 'zod';

/**
 * The distribution manifest (`distribution.yaml`), shaped after Llama Stack's `run.yaml` so its
 * users feel at home: `providers` keyed by API, each a list of `{ provider_id, provider_type, config }`,
 * then the `models`, `shields` and `memory_banks` to register at start-up, then `server` settings and
 * the `jobs` queues.
 *
 * Every string may use Llama Stack's environment substitution, applied before validation:
 * - `${env.NAME}`: the value of NAME; start-up fails (naming the YAML path) when it is unset or empty.
 * - `${env.NAME:=default}`: the value of NAME, or `default` when it is unset or empty.
 * - `${env.NAME:+value}`: `value` when NAME is set, else empty. A provider whose `provider_id`
 *   becomes empty is dropped, so `provider_id: ${env.TGI_URL:+tgi}` enables a provider only when
 *   its variable is set; models, shields and banks naming a dropped provider are dropped with it.
 * A value that is exactly one substitution becomes a number or a boolean when it reads as one, and
 * is left out when it is empty (so the field's default applies).
 */

export const ProviderType = z
  .string()
  .regex(
    /^(inline|remote)::[a-z0-9][a-z0-9._-]*$/,
    "must read 'inline::<name>' (runs in this process) or 'remote::<name>' (adapter to a remote service)",
  );

/** The id of something the manifest names: a provider instance, a model, the distribution. */
const RegistrationId = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[^\s]+$/, 'must not contain whitespace');

/**
 * YAML writes an empty section (`config:`, `models:`) as null; it means the same as leaving the
 * section out: empty, defaults filled in.
 */
function orEmpty<Schema extends z.ZodType>(schema: Schema, empty: z.input<Schema>) {
  return schema.nullish().transform((value): z.output<Schema> => value ?? schema.parse(empty));
}

const ConfigObject = orEmpty(JsonObject, {});

/**
 * A list that a single `${env.NAME:=}` can fill: a comma-separated string is split, and empty
 * items (an unset variable) are dropped.
 */
function listOf<Item extends z.ZodType>(item: Item) {
  return z.preprocess((value) => {
    const items = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
    return Array.isArray(items) ? items.filter((part) => part !== '') : items;
  }, z.array(item));
}

export const ProviderEntry = z
  .object({
    provider_id: RegistrationId.describe(
      'Names this provider instance; models, shields and banks refer to it. Unique in the manifest.',
    ),
    provider_type: ProviderType.describe(
      'Which provider implementation to run, e.g. inline::llama-cpp or remote::tgi.',
    ),
    module: z
      .string()
      .min(1)
      .optional()
      .describe(
        'An npm package (or a path relative to the manifest) exporting the ProviderSpec, for providers outside this repository.',
      ),
    config: ConfigObject.describe("The provider's settings, checked against its configSchema."),
  })
  .strict();
export type ProviderEntry = z.infer<typeof ProviderEntry>;

export const ModelEntry = z
  .object({
    model_id: RegistrationId.describe('The id clients send as `model`.'),
    provider_id: RegistrationId.optional().describe(
      'The provider serving the model; may be left out when exactly one inference provider is configured.',
    ),
    provider_model_id: z
      .string()
      .min(1)
      .nullish()
      .describe(
        "The model's id inside its provider (a path, an hf: reference, a remote name); default: model_id.",
      ),
    model_type: ModelType.default('llm'),
    metadata: orEmpty(JsonObject, {}),
  })
  .strict();
export type ModelEntry = z.infer<typeof ModelEntry>;
export type ModelEntryInput = z.input<typeof ModelEntry>;

/** A `shields:` entry: a shield registration, where YAML may leave `params:` empty. */
export const ShieldEntry = ShieldRegistration.extend({ params: orEmpty(JsonObject, {}) });
export type ShieldEntry = z.infer<typeof ShieldEntry>;

/** A `memory_banks:` entry: a memory bank registration, where YAML may leave `params:` empty. */
export const MemoryBankEntry = MemoryBankRegistration.extend({ params: orEmpty(JsonObject, {}) });
export type MemoryBankEntry = z.infer<typeof MemoryBankEntry>;

export const ServerSettings = z
  .object({
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(8321)
      .describe('TCP port; 0 picks a free one. Default 8321.'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Interface to listen on. Default 127.0.0.1 (this machine only); 0.0.0.0 for every interface.',
      ),
    auth_key: z
      .string()
      .min(1)
      .optional()
      .describe(
        'When set, every request must send `Authorization: Bearer <auth_key>`. Take it from ${env.…}.',
      ),
    allowed_hosts: listOf(z.string())
      .default([])
      .describe(
        'Host names, beside localhost, 127.0.0.1 and ::1, that requests may name in `Host` while the server listens on loopback without auth (other names are refused: DNS rebinding). Default [].',
      ),
    cors_origins: listOf(z.url('must be an origin such as https://app.example'))
      .default([])
      .describe(
        'Origins whose web pages may call the server (CORS); cross-site browser requests from any other are refused while there is no auth. Default [] (none).',
      ),
    metrics_public: z
      .boolean()
      .default(false)
      .describe(
        'Serve `/metrics` without the bearer token when `auth_key` is set (for a scraper that sends none). Default false.',
      ),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe(
        'Largest request body accepted; larger ones get 413. Default 16 MiB. Multipart uploads have their own limit, `max_upload_bytes`.',
      ),
    max_upload_bytes: z
      .number()
      .int()
      .positive()
      .default(512 * 1024 * 1024)
      .describe(
        'Largest multipart upload accepted (`POST /v1/files`), streamed to disk as it arrives; larger ones get 413. Default 512 MiB.',
      ),
    shutdown_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('How long each provider may take to shut down before it is abandoned. Default 10000.'),
    tgi_model: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The model TGI routes (`/generate`, `/generate_stream`, `/`) run on, as they name none. Default: the first llm.',
      ),
  })
  .strict();
export type ServerSettings = z.infer<typeof ServerSettings>;

/** A host name (`minio.internal`), an address (`10.0.0.5`, `fd00::5`) or a CIDR (`10.0.0.0/8`). */
function isHostAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  if (prefix !== undefined) {
    const family = isIP(address);
    return (
      rest.length === 0 &&
      family > 0 &&
      /^\d{1,3}$/.test(prefix) &&
      Number(prefix) <= (family === 4 ? 32 : 128)
    );
  }
  return (
    isIP(entry) > 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)
  );
}

export const UrlFetchSettings = z
  .object({
    allowed_private_hosts: listOf(
      z
        .string()
        .refine(
          isHostAddressOrCidr,
          'must be a host name (minio.internal), an address (10.0.0.5) or a CIDR (10.0.0.0/8)',
        ),
    )
      .default([])
      .describe(
        'Hosts a user-supplied http(s) URL may reach although they resolve to a loopback, private (RFC 1918, ULA), ' +
          'link-local (cloud metadata), CGNAT or unspecified address: names, addresses or CIDRs. ' +
          'Default [] (only public addresses are fetched).',
      ),
    file_roots: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Directories a user-supplied file:// URL (or server path) may point into, checked after resolving '..' and " +
          "symbolic links; relative ones resolve against the manifest's directory. [] refuses every file. " +
          "Default: the distribution's data directory.",
      ),
  })
  .strict();
export type UrlFetchSettings = z.infer<typeof UrlFetchSettings>;

export const JobQueueSettings = z
  .object({
    concurrency: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "Jobs (and parts) of this queue one worker process runs at once. Default: the queue's own, else 1.",
      ),
  })
  .strict();
export type JobQueueSettings = z.infer<typeof JobQueueSettings>;

export const JobsSettings = z
  .object({
    redis_url: z
      .string()
      .min(1)
      .default('redis://127.0.0.1:6379')
      .describe(
        'The Redis the job queues live in: redis://[user:password@]host:port[/db]. Default redis://127.0.0.1:6379; ' +
          'take it from ${env.REDIS_URL:=redis://127.0.0.1:6379}.',
      ),
    prefix: z
      .string()
      .min(1)
      .regex(/^[^\s*?[\]]+$/, 'must not contain whitespace or *?[]')
      .optional()
      .describe(
        'Put before every Redis key and channel of the queues, so several distributions share one Redis. ' +
          'Default llama-stack-ts:<name>. Every process of the distribution (run, worker) must use the same.',
      ),
    lock_duration_ms: z
      .number()
      .int()
      .min(1_000)
      .default(30_000)
      .describe(
        'How long a worker holds a job without renewing its lock; a job whose worker died (kill -9, a lost machine) ' +
          'runs again on another worker about this long after. Default 30000.',
      ),
    queues: orEmpty(z.record(z.string().min(1), orEmpty(JobQueueSettings, {})), {}).describe(
      'Settings per queue name (the queues are declared by providers, e.g. batch_inference). Default: none.',
    ),
    dashboard: z
      .boolean()
      .default(false)
      .describe(
        'Serve the Bull Board dashboard of the queues at /admin/queues (behind server.auth_key). Default false.',
      ),
  })
  .strict();
export type JobsSettings = z.infer<typeof JobsSettings>;

const ProvidersByApi = z.partialRecord(ApiName, orEmpty(z.array(ProviderEntry), []));

export const DistributionManifest = z
  .object({
    version: z.union([z.number(), z.string()]).optional().describe('Manifest format version; 1 today.'),
    name: RegistrationId.describe('The distribution name; also names its data directory.'),
    description: z.string().optional(),
    apis: z
      .array(ApiName)
      .optional()
      .describe('The APIs to serve; default: every API that has a provider under `providers`.'),
    providers: orEmpty(ProvidersByApi, {}),
    models: orEmpty(z.array(ModelEntry), []),
    shields: orEmpty(z.array(ShieldEntry), []),
    memory_banks: orEmpty(z.array(MemoryBankEntry), []),
    server: orEmpty(ServerSettings, {}),
    url_fetch: orEmpty(UrlFetchSettings, {}).describe(
      "Which URLs the server fetches on a user's behalf (dataset content_url, memory bank documents): every provider applies it.",
    ),
    // An empty `jobs:` turns the queues on with every default; leaving the section out turns them off.
    jobs: JobsSettings.nullish()
      .transform((value) => (value === null ? JobsSettings.parse({}) : value))
      .describe(
        'Background jobs (BullMQ on Redis), for providers that queue work such as batch inference. ' +
          'Default: absent, no job queues.',
      ),
    data_dir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where providers keep state (relative to the manifest). Default: $LLAMA_STACK_TS_HOME/<name>, or ~/.llama-stack-ts/<name>.',
      ),
  })
  .strict();

/** A validated manifest, defaults filled in. */
export type DistributionManifest = z.infer<typeof DistributionManifest>;
/** A manifest as written: defaults may be left out. */
export type DistributionManifestInput = z.input<typeof DistributionManifest>;
