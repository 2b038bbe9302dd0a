// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the message spells ${env.NAME} literally.

import { CliError } from '../cli-error.js';
import type { WorkerOptions } from '../cli-program.js';
import { describeWorkers } from './describe-workers.js';
import { exitOnShutdownSignal } from './exit-on-shutdown-signal.js';
import { startDistributionStack } from './start-distribution-stack.js';

/**
 * `llama-stack-ts worker`: start the distribution's providers from the same manifest as `run`, and
 * run the workers of their job queues, with no HTTP server. On SIGINT/SIGTERM the workers take no
 * new job, running ones get `server.shutdown_timeout_ms` to finish (the rest go back to the queue
 * for another worker), then the providers are disposed and the command exits 0.
 */
export async function workerCommand(distribution: string, options: WorkerOptions): Promise<void> {
  const stack = await startDistributionStack(distribution, options.env);
  const { manifest, jobs } = stack;
  if (!jobs) {
    await stack.dispose();
    throw new CliError(
      `Distribution '${manifest.name}' has no jobs: section, so it has no job queues to work on. ` +
        'Add `jobs:` with `redis_url: ${env.REDIS_URL:=redis://127.0.0.1:6379}` to its distribution.yaml.',
      2,
    );
  }
  exitOnShutdownSignal(manifest.name, () => stack.dispose());
  const workers = stack.startWorkers();
  const health = await jobs.health();
  process.stdout.write(
    `llama-stack-ts: worker of distribution '${manifest.name}' on ${jobs.redisUrl} (key prefix ${jobs.prefix})\n` +
      `  jobs: ${describeWorkers(workers)}\n` +
      (health.status === 'ok' ? '' : `  waiting for Redis: ${health.message}\n`) +
      `  stop: Ctrl-C (running jobs get ${manifest.server.shutdown_timeout_ms} ms to finish)\n`,
  );
  // Keep the command pending while the workers run: the signal handler ends the process.
  await new Promise<never>(() => {});
}
