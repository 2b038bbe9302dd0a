// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { hubModelConfigFields } from '@llama-stack-ts/provider-utils/models';
import { z } from 'zod';

/**
 * Which compute backend llama.cpp runs on. `auto` tries CUDA, then Vulkan (Metal on macOS), then
 * falls back to the CPU; `cpu` (or `false`) never touches a GPU; a named backend fails when its
 * prebuilt binary cannot load.
 */
export const GpuSetting = z
  .union([
    z.enum(['auto', 'cpu', 'cuda', 'vulkan', 'metal']),
    z.literal(false).transform(() => 'cpu' as const),
  ])
  .describe("'auto' (default), 'cpu' (or false), 'cuda', 'vulkan' or 'metal'.");
export type GpuSetting = z.infer<typeof GpuSetting>;

export const ThreadsSetting = z
  .union([z.literal('auto'), z.number().int('must be a whole number').min(1)])
  .describe(
    "CPU threads per model. 'auto' (default): 1 on a machine with 2 or fewer cores, else cores - 1 " +
      '(see the README: on a 2-core machine a second thread made generation 19-218x slower).',
  );
export type ThreadsSetting = z.infer<typeof ThreadsSetting>;

export const GpuLayersSetting = z
  .union([z.enum(['auto', 'max']), z.number().int('must be a whole number').min(0)])
  .describe("Layers to offload to the GPU: 'auto' (default: as many as fit), 'max', or a number (0 = none).");
export type GpuLayersSetting = z.infer<typeof GpuLayersSetting>;

export const FlashAttentionSetting = z
  .enum(['auto', 'on', 'off'])
  .describe(
    "llama.cpp's flash attention. 'auto' (default): off when the model runs on the CPU, on with a GPU backend " +
      'where llama.cpp supports it. On the CPU its tiled path is the slower one and rounds queries to f16 (see the README).',
  );
export type FlashAttentionSetting = z.infer<typeof FlashAttentionSetting>;

const positiveInt = z.number().int('must be a whole number').positive();

/**
 * Per-model settings. The provider config holds the defaults; a model overrides any of them in its
 * manifest `metadata` (`models: [{ model_id, provider_model_id, metadata: { context_size: 2048 } }]`).
 */
export const LlamaCppModelSettings = z.object({
  gpu: GpuSetting.default('auto'),
  gpu_layers: GpuLayersSetting.default('auto'),
  context_size: positiveInt
    .default(4096)
    .describe(
      'Tokens one sequence holds (prompt and output). Default 4096, capped at what the model was trained on.',
    ),
  threads: ThreadsSetting.default('auto'),
  flash_attention: FlashAttentionSetting.default('auto'),
  batch_size: positiveInt
    .default(512)
    .describe('Tokens evaluated per batch (prompt processing). Default 512.'),
  parallel_sequences: positiveInt
    .default(4)
    .describe(
      "Requests one model generates at once, sharing its context's batches (continuous batching). Each " +
        'sequence holds its own context_size of KV cache. Default 4.',
    ),
  max_queue: z
    .number()
    .int('must be a whole number')
    .min(0)
    .default(32)
    .describe(
      'Requests that may wait for a free sequence; past it a request fails at once with OverloadedError (429). Default 32.',
    ),
  preload: z
    .boolean()
    .default(true)
    .describe('Load the model when the provider starts (true, default) or on its first request (false).'),
  idle_unload_seconds: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'Unload a model after this many seconds without requests; it reloads on the next one. 0 (default): never.',
    ),
  chat_wrapper: z
    .string()
    .min(1)
    .default('auto')
    .describe(
      "The chat template: 'auto' (default: the model's own template, else a wrapper node-llama-cpp picks from its " +
        "metadata) or a node-llama-cpp wrapper name such as 'llama3.1', 'llama3', 'llama2Chat', 'chatML', 'general'.",
    ),
});
export type LlamaCppModelSettings = z.infer<typeof LlamaCppModelSettings>;

export const LlamaCppConfig = LlamaCppModelSettings.extend({
  model_dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Directory a relative GGUF path in a model's provider_model_id resolves against. Default: the manifest's directory " +
        "(the process's working directory for a provider created without a manifest).",
    ),
  model_cache_dir: hubModelConfigFields.model_cache_dir.describe(
    'Where hf: models are downloaded (<dir>/<owner>/<repo>/<file>). Default: $LLAMA_STACK_TS_HOME/models, ' +
      'else ~/.llama-stack-ts/models (shared by every distribution and `llama-stack-ts models`).',
  ),
  allow_remote_models: hubModelConfigFields.allow_remote_models.describe(
    'Download an hf: model missing from model_cache_dir, in the background after start-up. Default true; ' +
      'false = offline only (a missing file fails start-up).',
  ),
  hub_url: hubModelConfigFields.hub_url,
  wait_for_preload: z
    .boolean()
    .default(true)
    .describe(
      'With preload, whether start-up waits for each model to load (true, default: a model that does not load ' +
        'fails start-up) or loads it in the background (false: the server answers at once; requests wait for the load).',
    ),
  show_progress: hubModelConfigFields.show_progress,
  log_level: z
    .enum(['error', 'warn', 'info', 'debug'])
    .default('warn')
    .describe("Least severe llama.cpp log line passed to the provider's logger. Default 'warn'."),
})
  .strict()
  .meta({ id: 'LlamaCppConfig' });
export type LlamaCppConfig = z.infer<typeof LlamaCppConfig>;
export type LlamaCppConfigInput = z.input<typeof LlamaCppConfig>;

/** The keys a model's `metadata` may set to override the provider's defaults. */
export const modelSettingKeys = Object.keys(LlamaCppModelSettings.shape) as (keyof LlamaCppModelSettings)[];

/** A config for `distribution.yaml` templates, every setting overridable from the environment. */
export function sampleLlamaCppConfig(_dataDir: string): Record<string, unknown> {
  return {
    gpu: '${env.LLAMA_CPP_GPU:=auto}',
    gpu_layers: '${env.LLAMA_CPP_GPU_LAYERS:=auto}',
    context_size: '${env.LLAMA_CPP_CONTEXT_SIZE:=4096}',
    threads: '${env.LLAMA_CPP_THREADS:=auto}',
    flash_attention: '${env.LLAMA_CPP_FLASH_ATTENTION:=auto}',
    batch_size: '${env.LLAMA_CPP_BATCH_SIZE:=512}',
    parallel_sequences: '${env.LLAMA_CPP_PARALLEL_SEQUENCES:=4}',
    max_queue: '${env.LLAMA_CPP_MAX_QUEUE:=32}',
    preload: '${env.LLAMA_CPP_PRELOAD:=true}',
    wait_for_preload: '${env.LLAMA_CPP_WAIT_FOR_PRELOAD:=true}',
    idle_unload_seconds: '${env.LLAMA_CPP_IDLE_UNLOAD_SECONDS:=0}',
    model_dir: '${env.LLAMA_CPP_MODEL_DIR:=.}',
    model_cache_dir: '${env.LLAMA_STACK_TS_MODEL_CACHE:=~/.llama-stack-ts/models}',
    allow_remote_models: '${env.LLAMA_STACK_TS_ALLOW_DOWNLOADS:=true}',
    hub_url: '${env.HF_ENDPOINT:=https://huggingface.co}',
  };
}
