import { spawn } from 'node:child_process';

/** A server a benchmark started in a process of its own. */
export interface ListeningProcess<Ready> extends AsyncDisposable {
  pid: number;
  /** What `ready` read from the output. */
  ready: Ready;
  /** SIGINT, as Ctrl-C would, then the process must exit (SIGKILL after 15 s); then `cleanUp`. */
  close(): Promise<void>;
}

/**
 * Runs `node <args>` and resolves once `ready` finds what it waits for in the process's output (a
 * `listening on http://…` line, a model loaded). The output goes on being read for the process's
 * whole life (an access log line per request: a full pipe would stall the server), but only its
 * start-up part is kept, for the error thrown when the process exits or `timeoutMs` passes first.
 */
export async function startListeningProcess<Ready>(options: {
  /** Named in errors: `llama-stack-ts run local`. */
  name: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  ready(output: string): Ready | undefined;
  /** Runs once the process has exited (removes its LLAMA_STACK_TS_HOME). */
  cleanUp?(): Promise<void>;
}): Promise<ListeningProcess<Ready>> {
  const child = spawn(process.execPath, options.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env,
  });
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  let output = '';
  const collect = (text: string) => {
    if (output.length < 64_000) output += text;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const close = async () => {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(killer);
    await options.cleanUp?.();
    if (code !== 0) process.stderr.write(`warning: ${options.name} exited with ${code} after SIGINT\n`);
  };

  const started = performance.now();
  for (;;) {
    const ready = options.ready(output);
    if (ready !== undefined) {
      return { pid: child.pid as number, ready, close, [Symbol.asyncDispose]: close };
    }
    if (!running || performance.now() - started > options.timeoutMs) {
      if (running) await close();
      else await options.cleanUp?.();
      throw new Error(
        `${options.name} ${running ? `was not ready within ${options.timeoutMs} ms` : 'exited'}:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The `listening on http://…` line the servers print once they accept connections. */
export const listeningUrl = (output: string): string | undefined =>
  /listening on (http:\/\/\S+)/.exec(output)?.[1];
