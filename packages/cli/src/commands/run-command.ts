import type { StackAppMount, StackServer } from '@llama-stack-ts/server';
import type { ResolvedStack } from '@llama-stack-ts/stack';
import type { RunOptions } from '../cli-program.js';
import { describeWorkers } from './describe-workers.js';
import { exitOnShutdownSignal } from './exit-on-shutdown-signal.js';
import { startDistributionStack } from './start-distribution-stack.js';

/**
 * `llama-stack-ts run`: load and validate the manifest, start every provider, serve the stack, run
 * the job queues' workers in this process (unless `--no-worker`), and on SIGINT/SIGTERM close the
 * server (in-flight requests get `server.shutdown_timeout_ms` to finish), drain the workers,
 * dispose the providers and exit 0.
 */
export async function runCommand(distribution: string, options: RunOptions): Promise<void> {
  const stack = await startDistributionStack(distribution, options.env);
  const { manifest } = stack;
  const { startStackServer } = await import('@llama-stack-ts/server');

  let server: StackServer;
  try {
    const mounts = await dashboardMounts(stack);
    server = await startStackServer(stack, {
      mounts,
      port: options.port ?? manifest.server.port,
      host: options.host ?? manifest.server.host,
      authKey: manifest.server.auth_key,
      bodyLimitBytes: manifest.server.max_body_bytes,
      uploadLimitBytes: manifest.server.max_upload_bytes,
      shutdownTimeoutMs: manifest.server.shutdown_timeout_ms,
    });
  } catch (error) {
    await stack.dispose();
    throw error;
  }
  exitOnShutdownSignal(manifest.name, async () => {
    await server.close();
    await stack.dispose();
  });
  const workers = stack.jobs && options.worker !== false ? stack.startWorkers() : undefined;

  const apis = stack.servedApis();
  process.stdout.write(
    `llama-stack-ts: distribution '${manifest.name}' listening on ${server.url}\n` +
      `  APIs: ${apis.length > 0 ? apis.join(', ') : 'none (only /health, /models/list and /openapi.json)'}\n` +
      `  models: ${
        stack.models
          .list()
          .map((model) => model.identifier)
          .join(', ') || 'none'
      }\n` +
      (stack.jobs
        ? `  jobs: ${workers ? describeWorkers(workers) : 'no worker in this process (--no-worker): run `llama-stack-ts worker`'} on ${stack.jobs.redisUrl}\n`
        : '') +
      (manifest.jobs?.dashboard ? `  jobs dashboard: ${server.url}${dashboardPath}\n` : '') +
      `  docs: ${server.url}/docs   health: ${server.url}/health   stop: Ctrl-C\n`,
  );
  // Keep the command pending while the server runs: the signal handler ends the process.
  await new Promise<never>(() => {});
}

const dashboardPath = '/admin/queues';

/** Bull Board at /admin/queues when `jobs.dashboard` is on; loaded only then. */
async function dashboardMounts(stack: ResolvedStack): Promise<StackAppMount[]> {
  if (!stack.jobs || !stack.manifest.jobs?.dashboard) return [];
  const { createJobsDashboard } = await import('@llama-stack-ts/jobs/dashboard');
  return [{ path: dashboardPath, app: createJobsDashboard(stack.jobs, { basePath: dashboardPath }) }];
}
