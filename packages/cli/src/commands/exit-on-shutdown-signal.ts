/** A second signal this soon after the first is the same request, not an order to hurry. */
const repeatGraceMs = 1_000;

/**
 * On the first SIGINT or SIGTERM, runs `shutdown` and exits 0 (1 when it throws). A second signal
 * within a second of the first is ignored: Ctrl-C in a terminal reaches every process of its group,
 * and supervisors often send their own SIGTERM too. A later one exits at once with 130.
 */
export function exitOnShutdownSignal(name: string, shutdown: () => Promise<void>): void {
  let firstAt: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < repeatGraceMs) return;
      process.stderr.write(`llama-stack-ts: ${signal} again, exiting without waiting.\n`);
      process.exit(130);
    }
    firstAt = Date.now();
    process.stderr.write(`llama-stack-ts: ${signal} received, shutting down '${name}'...\n`);
    void (async () => {
      let code = 0;
      try {
        await shutdown();
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
}
