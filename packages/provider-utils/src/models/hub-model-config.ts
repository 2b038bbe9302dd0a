// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { z } from 'zod';
import { defaultModelCacheDir, expandHome } from './resolve-model-source.js';

/**
 * The config fields of a provider that loads models from a folder or the Hugging Face hub, spread
 * into its own `z.object({...})` so every such provider reads them alike.
 */
export const hubModelConfigFields = {
  model_cache_dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Where hub models are downloaded, one folder per repository (<dir>/<owner>/<name>). ' +
        'Default: $LLAMA_STACK_TS_HOME/models, else ~/.llama-stack-ts/models (shared by every distribution).',
    ),
  allow_remote_models: z
    .boolean()
    .default(true)
    .describe(
      'Download a hub model missing from model_cache_dir on first use. Default true; false = offline only.',
    ),
  hub_url: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s):// URL')
    .default('https://huggingface.co')
    .describe(
      'The Hugging Face hub (or a mirror) hub models are downloaded from. Default https://huggingface.co.',
    ),
  preload: z
    .boolean()
    .default(true)
    .describe(
      'Load (and download) every registered model at start-up, so its embedding_dimension is known at once. ' +
        'Default true; false loads a model on its first request.',
    ),
  show_progress: z
    .boolean()
    .default(true)
    .describe('Draw a progress bar on stderr while a model downloads. Default true.'),
};

/** The parsed `hubModelConfigFields`: what every hub-model provider's config holds. */
export type HubModelConfig = z.infer<z.ZodObject<typeof hubModelConfigFields>>;

/** The `hubModelConfigFields` of a `distribution.yaml` template, each overridable from the environment. */
export function sampleHubModelConfig(): Record<string, unknown> {
  return {
    model_cache_dir: '${env.LLAMA_STACK_TS_MODEL_CACHE:=~/.llama-stack-ts/models}',
    allow_remote_models: '${env.LLAMA_STACK_TS_ALLOW_DOWNLOADS:=true}',
    hub_url: '${env.HF_ENDPOINT:=https://huggingface.co}',
  };
}

/** `model_cache_dir` with `~` expanded, or the default cache shared by every distribution. */
export function resolveModelCacheDir(modelCacheDir: string | undefined): string {
  return expandHome(modelCacheDir ?? defaultModelCacheDir());
}
