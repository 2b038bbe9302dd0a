import type { StackServer } from '@llama-stack-ts/server';
import type { RunOptions } from '../cli-program.js';
import { findDistribution } from '../find-distribution.js';
import { applyEnvOptions } from './apply-env-options.js';

/**
 * `llama-stack-ts run`: load and validate the manifest, start every provider, serve the stack, and
 * on SIGINT/SIGTERM close the server (in-flight requests get `server.shutdown_timeout_ms` to finish),
 * dispose the providers and exit 0. A second signal exits at once with 130.
 */
export async function runCommand(distribution: string, options: RunOptions): Promise<void> {
  const manifestPath = findDistribution(distribution);
  applyEnvOptions(options.env);
  // Loaded once the argument is known to name a manifest: a typo fails at once.
  const [{ createStack, loadManifest }, { startStackServer }] = await Promise.all([
    import('@llama-stack-ts/stack'),
    import('@llama-stack-ts/server'),
  ]);
  const manifest = await loadManifest(manifestPath);
  const stack = await createStack(manifest);

  let server: StackServer;
  try {
    server = await startStackServer(stack, {
      port: options.port ?? manifest.server.port,
      host: options.host ?? manifest.server.host,
      authKey: manifest.server.auth_key,
      bodyLimitBytes: manifest.server.max_body_bytes,
      shutdownTimeoutMs: manifest.server.shutdown_timeout_ms,
    });
  } catch (error) {
    await stack.dispose();
    throw error;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`llama-stack-ts: ${signal} again, exiting without waiting.\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`llama-stack-ts: ${signal} received, shutting down '${manifest.name}'...\n`);
    void (async () => {
      let code = 0;
      try {
        await server.close();
        await stack.dispose();
      } catch (error) {
        process.stderr.write(`llama-stack-ts: shutdown failed: ${(error as Error).message}\n`);
        code = 1;
      }
      process.stderr.write('llama-stack-ts: stopped.\n');
      process.exit(code);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

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
      `  docs: ${server.url}/docs   health: ${server.url}/health   stop: Ctrl-C\n`,
  );
  // Keep the command pending while the server runs: `stop` ends the process.
  await new Promise<never>(() => {});
}
