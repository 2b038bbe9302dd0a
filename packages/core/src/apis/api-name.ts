import { z } from 'zod';

/** The APIs a distribution can serve; each is one key under `providers:` in a manifest. */
export const ApiName = z.enum([
  'inference',
  'safety',
  'agentic_system',
  'memory_banks',
  'reward_scoring',
  'synthetic_data_generation',
  'datasets',
  'post_training',
  'batch_inference',
]);
export type ApiName = z.infer<typeof ApiName>;

export const apiNames: readonly ApiName[] = ApiName.options;
