import { redactUrl } from '@llama-stack-ts/provider-utils';
import { jobsKeyPrefix, loadManifest, resolveStack } from '@llama-stack-ts/stack';
import type { ValidateOptions } from '../cli-program.js';
import { findDistribution } from '../find-distribution.js';
import { applyEnvOptions } from './apply-env-options.js';

/** `llama-stack-ts validate`: everything `run` checks before it starts a provider; prints a summary. */
export async function validateCommand(distribution: string, options: ValidateOptions): Promise<void> {
  const manifestPath = findDistribution(distribution);
  applyEnvOptions(options.env);
  const manifest = await loadManifest(manifestPath);
  const plan = await resolveStack(manifest);
  const providers = plan.providers.map(
    (provider) => `${provider.entry.provider_id} (${provider.entry.provider_type})`,
  );
  process.stdout.write(
    `${manifestPath} is valid.\n` +
      `  distribution: ${manifest.name}${manifest.description ? ` - ${manifest.description}` : ''}\n` +
      `  providers, in start order: ${providers.join(', ') || 'none'}\n` +
      `  models: ${plan.models.map((model) => `${model.identifier} -> ${model.provider_id}`).join(', ') || 'none'}\n` +
      `  data directory: ${plan.dataDir}\n` +
      `  server: http://${manifest.server.host}:${manifest.server.port}${manifest.server.auth_key ? ' (bearer auth on)' : ''}\n` +
      (manifest.jobs
        ? `  jobs: queues on ${redactUrl(manifest.jobs.redis_url, 'the configured Redis URL')} (key prefix ${jobsKeyPrefix(manifest)})\n`
        : ''),
  );
  for (const warning of plan.warnings) process.stdout.write(`  warning: ${warning}\n`);
}
