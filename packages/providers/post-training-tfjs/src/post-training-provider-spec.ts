import { resolve } from 'node:path';
import { defineProviderSpec, type ProviderInstance } from '@llama-stack-ts/core';
import { defaultModelCacheDir, expandHome } from '@llama-stack-ts/provider-utils/models';
import { TfjsPostTraining } from './tfjs-post-training.js';
import { sampleTfjsPostTrainingConfig, TfjsPostTrainingConfig } from './tfjs-post-training-config.js';

/** `inline::tfjs`: LoRA, QLoRA, DoRA, full fine-tuning and DPO in TensorFlow.js, as jobs; the result is served as `<job_uuid>`. */
export const tfjsPostTrainingProviderSpec = defineProviderSpec<TfjsPostTrainingConfig, TfjsPostTraining>({
  specVersion: 'v1',
  api: 'post_training',
  providerType: 'inline::tfjs',
  description:
    'LoRA, QLoRA, DoRA and full supervised fine-tuning and DPO of llama GGUF models with the built-in TensorFlow.js trainer ' +
    '(or a configured trainer command, e.g. a script on a GPU worker), ' +
    'as BullMQ jobs with checkpoints; the result (base plus adapter, or the full GGUF written) is registered and served as <job_uuid>.',
  configSchema: TfjsPostTrainingConfig,
  sampleConfig: sampleTfjsPostTrainingConfig,
  apiDependencies: ['datasets'],
  async create(input, context): Promise<ProviderInstance<TfjsPostTraining>> {
    const config = TfjsPostTrainingConfig.parse(input);
    const { datasets } = context.deps;
    if (!datasets)
      throw new Error(
        'inline::tfjs (post_training) needs the datasets API: configure a provider for it (providers.datasets in distribution.yaml).',
      );
    if (!context.jobs)
      throw new Error(
        'inline::tfjs (post_training) runs its fine-tuning as jobs: add a jobs: section (redis_url) to distribution.yaml.',
      );
    if (!context.registeredModels)
      throw new Error(
        'inline::tfjs (post_training) needs the registered models to find the base model a job names.',
      );
    const baseDir = context.manifestDir ?? process.cwd();
    return {
      implementation: new TfjsPostTraining({
        config,
        dataDir: context.dataDir,
        datasets,
        jobs: context.jobs,
        registeredModels: context.registeredModels,
        modelRegistrations: context.modelRegistrations,
        modelDir: config.model_dir ? resolve(baseDir, expandHome(config.model_dir)) : baseDir,
        modelCacheDir: config.model_cache_dir ? expandHome(config.model_cache_dir) : defaultModelCacheDir(),
        logger: context.logger,
      }),
    };
  },
});
