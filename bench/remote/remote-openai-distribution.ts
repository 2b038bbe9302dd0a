import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llamaStackTsCli } from '../llama-stack-ts-cli.js';

/** `llama-stack-ts run remote-openai` in its own process, relaying to an upstream. */
export interface RemoteOpenAiDistribution extends AsyncDisposable {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/**
 * Starts the `remote-openai` distribution as a user does (the built command, a fresh
 * LLAMA_STACK_TS_HOME, a free port) pointed at `upstreamUrl`'s /v1; resolves once it listens (its
 * provider has listed the upstream's models by then).
 */
export async function startRemoteOpenAiDistribution(options: {
  upstreamUrl: string;
  /** LLAMA_STACK_TS_EMBEDDING_MODEL: the memory banks' local embedder (loaded on first use only). */
  embeddingModel: string;
  timeoutMs: number;
  /** Flags for `node` itself, before the command (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeFlags?: readonly string[];
}): Promise<RemoteOpenAiDistribution> {
  const home = await mkdtemp(join(tmpdir(), 'lsts-bench-remote-'));
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), llamaStackTsCli, 'run', 'remote-openai', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LLAMA_STACK_TS_HOME: home,
        OPENAI_BASE_URL: `${options.upstreamUrl}/v1`,
        LLAMA_STACK_TS_EMBEDDING_MODEL: options.embeddingModel,
      },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The access log goes on for every request: keep reading it, keep only the start-up part.
  let output = '';
  const collect = (text: string) => {
    if (output.length < 64_000) output += text;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const close = async () => {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
    await rm(home, { recursive: true, force: true });
  };
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const started = performance.now();
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) return { url, pid: child.pid as number, close, [Symbol.asyncDispose]: close };
    if (!running || performance.now() - started > options.timeoutMs) {
      if (running) await close();
      throw new Error(
        `llama-stack-ts run remote-openai ${running ? 'did not start in time' : 'exited'}:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
