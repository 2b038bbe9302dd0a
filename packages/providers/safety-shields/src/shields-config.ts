// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { JsonObject } from '@llama-stack-ts/core';
import { z } from 'zod';

/** The shield types this provider implements. */
export const ShieldsShieldType = z.enum(['llama_guard', 'prompt_guard', 'code_guard', 'regex']);
export type ShieldsShieldType = z.infer<typeof ShieldsShieldType>;

export const ConfiguredShield = z
  .object({
    shield_id: z.string().min(1).describe('The id callers pass as `shield_type` (or `shield_id`) to run it.'),
    shield_type: ShieldsShieldType.describe('llama_guard, prompt_guard, code_guard or regex.'),
    params: JsonObject.default({}).describe("The shield's settings; a request's params are laid over them."),
  })
  .strict();
export type ConfiguredShield = z.infer<typeof ConfiguredShield>;

export const ShieldsConfig = z
  .object({
    shields: z
      .array(ConfiguredShield)
      .default([])
      .describe(
        "Shields this provider serves, beside the manifest's `shields:` entries. code_guard and regex also run by type name with no entry.",
      ),
    model_cache_dir: z
      .string()
      .min(1)
      .optional()
      .describe('Where hub models (Prompt Guard) are downloaded. Default: <data dir>/models.'),
    allow_remote_models: z
      .boolean()
      .default(true)
      .describe('Whether a hub model missing from the cache may be downloaded on first use. Default true.'),
    model_base_dir: z
      .string()
      .min(1)
      .optional()
      .describe('Folder that relative model paths are resolved from. Default: the working directory.'),
  })
  .strict()
  .meta({ id: 'ShieldsConfig' });
export type ShieldsConfig = z.infer<typeof ShieldsConfig>;
export type ShieldsConfigInput = z.input<typeof ShieldsConfig>;

/** A config for `distribution.yaml` templates: the code scanner, and Llama Guard on a configurable model. */
export function sampleShieldsConfig(_dataDir: string): Record<string, unknown> {
  return {
    shields: [
      { shield_id: 'code_guard', shield_type: 'code_guard', params: {} },
      {
        shield_id: 'llama_guard',
        shield_type: 'llama_guard',
        params: { model: '${env.LLAMA_STACK_TS_GUARD_MODEL:=Llama-Guard-3-1B}', excluded_categories: [] },
      },
    ],
    allow_remote_models: '${env.LLAMA_STACK_TS_ALLOW_DOWNLOADS:=true}',
  };
}
