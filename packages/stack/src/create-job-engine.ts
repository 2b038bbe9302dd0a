import type { JobEngine } from '@llama-stack-ts/jobs';
import type { DistributionManifest } from './manifest/manifest-schema.js';
import { type StackLogger, scopeLogger } from './stack-logger.js';

/** The Redis key prefix of a distribution's job queues: `jobs.prefix`, else `llama-stack-ts:<name>`. */
export function jobsKeyPrefix(manifest: DistributionManifest): string {
  return manifest.jobs?.prefix ?? `llama-stack-ts:${manifest.name}`;
}

/**
 * The job engine of a manifest's `jobs:` section, or undefined without one. BullMQ is loaded only
 * for a manifest that has the section. Never throws for an unreachable Redis: the engine reports it
 * (health, 503 from its queues) and reconnects by itself.
 */
export async function createJobEngine(
  manifest: DistributionManifest,
  logger: StackLogger,
): Promise<JobEngine | undefined> {
  const settings = manifest.jobs;
  if (!settings) return undefined;
  const { JobEngine } = await import('@llama-stack-ts/jobs');
  const concurrency: Record<string, number> = {};
  for (const [queue, queueSettings] of Object.entries(settings.queues)) {
    if (queueSettings.concurrency !== undefined) concurrency[queue] = queueSettings.concurrency;
  }
  return new JobEngine({
    redisUrl: settings.redis_url,
    prefix: jobsKeyPrefix(manifest),
    lockDurationMs: settings.lock_duration_ms,
    concurrency,
    shutdownTimeoutMs: manifest.server.shutdown_timeout_ms,
    logger: scopeLogger(logger, 'jobs'),
  });
}
