import { hubModelConfigFields, sampleHubModelConfig } from '@llama-stack-ts/provider-utils/models';
import { z } from 'zod';

export const Model2VecConfig = z
  .object({
    ...hubModelConfigFields,
    max_tokens: z
      .number()
      .int()
      .positive()
      .default(512)
      .describe(
        'Tokens kept per text (model2vec max_length); the rest of a longer text is ignored. Default 512.',
      ),
  })
  .strict()
  .meta({ id: 'Model2VecConfig' });
export type Model2VecConfig = z.infer<typeof Model2VecConfig>;
export type Model2VecConfigInput = z.input<typeof Model2VecConfig>;

/** A config for `distribution.yaml` templates, every setting overridable from the environment. */
export function sampleModel2VecConfig(_dataDir: string): Record<string, unknown> {
  return sampleHubModelConfig();
}
