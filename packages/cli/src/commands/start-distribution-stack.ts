import type { ResolvedStack } from '@llama-stack-ts/stack';
import { findDistribution } from '../find-distribution.js';
import { applyEnvOptions } from './apply-env-options.js';

/**
 * What `run` and `worker` share: find the distribution, apply `--env`, load and validate its
 * manifest, and start every provider.
 */
export async function startDistributionStack(
  distribution: string,
  env?: Readonly<Record<string, string>>,
): Promise<ResolvedStack> {
  const manifestPath = findDistribution(distribution);
  applyEnvOptions(env);
  // Loaded once the argument is known to name a manifest: a typo fails at once.
  const { createStack, loadManifest } = await import('@llama-stack-ts/stack');
  return createStack(await loadManifest(manifestPath));
}
