// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { z } from 'zod';

export const Model2VecConfig = z
  .object({
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
    max_tokens: z
      .number()
      .int()
      .positive()
      .default(512)
      .describe(
        'Tokens kept per text (model2vec max_length); the rest of a longer text is ignored. Default 512.',
      ),
    show_progress: z
      .boolean()
      .default(true)
      .describe('Draw a progress bar on stderr while a model downloads. Default true.'),
  })
  .strict()
  .meta({ id: 'Model2VecConfig' });
export type Model2VecConfig = z.infer<typeof Model2VecConfig>;
export type Model2VecConfigInput = z.input<typeof Model2VecConfig>;

/** A config for `distribution.yaml` templates, every setting overridable from the environment. */
export function sampleModel2VecConfig(_dataDir: string): Record<string, unknown> {
  return {
    model_cache_dir: '${env.LLAMA_STACK_TS_MODEL_CACHE:=~/.llama-stack-ts/models}',
    allow_remote_models: '${env.LLAMA_STACK_TS_ALLOW_DOWNLOADS:=true}',
    hub_url: '${env.HF_ENDPOINT:=https://huggingface.co}',
  };
}
