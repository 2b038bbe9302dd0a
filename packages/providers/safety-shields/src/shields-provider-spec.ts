import { defineProviderSpec, type Safety } from '@llama-stack-ts/core';
import { ShieldsConfig, sampleShieldsConfig } from './shields-config.js';
import { ShieldsSafety } from './shields-safety.js';

/**
 * `inline::shields`: one safety provider serving several shield types (a distribution has one
 * safety provider): llama_guard through the stack's inference API, prompt_guard through
 * transformers.js, code_guard (a static scanner) and regex (banned terms).
 */
export const shieldsProviderSpec = defineProviderSpec<ShieldsConfig, Safety>({
  specVersion: 'v1',
  api: 'safety',
  providerType: 'inline::shields',
  description:
    'Shields in this process: Llama Guard (on an inference model), Prompt Guard (transformers.js), a code scanner and banned-term regexes.',
  configSchema: ShieldsConfig,
  sampleConfig: sampleShieldsConfig,
  // Llama Guard asks a model through the inference API; the other shields run without one.
  optionalApiDependencies: ['inference'],
  async create(config, context) {
    const parsed = ShieldsConfig.parse(config);
    const safety = new ShieldsSafety({
      config: parsed,
      dataDir: context.dataDir,
      inference: context.deps.inference,
    });
    for (const entry of context.shields ?? []) safety.registerEntry(entry);
    context.logger.info('shields ready', { shields: safety.shieldIds });
    return {
      implementation: safety,
      async registerShield(shield) {
        safety.registerEntry(shield);
      },
      dispose: () => safety.dispose(),
    };
  },
});
