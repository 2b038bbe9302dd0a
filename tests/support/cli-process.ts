import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@llama-stack-ts/provider-utils';
import { cliBin, repoRoot } from './repo-paths.js';

/** Every child this module started and that has not exited: killed by `killAllChildren()`. */
const running = new Set<ChildProcess>();

// A worker that dies without running afterAll must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface CliEnvironment {
  /** `LLAMA_STACK_TS_HOME` of the child: a temp dir per test file, so no state leaks between runs. */
  home: string;
  /** Extra variables; a key set to `undefined` is removed from the child's environment. */
  env?: Record<string, string | undefined>;
}

function childEnv({ home, env = {} }: CliEnvironment): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, LLAMA_STACK_TS_HOME: home };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `llama-stack-ts <args>` to completion from the repository root. */
export function runCli(args: readonly string[], environment: CliEnvironment): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: repoRoot,
      env: childEnv(environment),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A `llama-stack-ts` process this module started and still tracks. */
export interface RunningCli {
  child: ChildProcess;
  /** Everything the process printed so far (stdout, then stderr). */
  output(): string;
  /** Resolves when the process exits, with its code and signal and how long after the call it took. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface RunningDistribution extends RunningCli {
  url: string;
  port: number;
}

export interface StartDistributionOptions extends CliEnvironment {
  /** Arguments after `run <target> --port <port>`. */
  args?: readonly string[];
  /** How long to wait for `/health` to answer 200. Default 60 s (a busy shared machine). */
  healthTimeoutMs?: number;
  /** The port to listen on. Default a free one; a restart on the same port keeps its clients' URLs. */
  port?: number;
}

/** Spawns `llama-stack-ts <args>` from the repository root, collecting its output. */
function spawnCli(args: readonly string[], environment: CliEnvironment): RunningCli {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: repoRoot,
    env: childEnv(environment),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, output: () => stdout + stderr, exited: () => exit };
}

/**
 * Starts `llama-stack-ts run <target> --port <free port>` and resolves once `GET /health` answers
 * 200. Rejects with the process output when it exits first or the wait times out (and kills it).
 */
export async function startDistribution(
  target: string,
  options: StartDistributionOptions,
): Promise<RunningDistribution> {
  const port = options.port ?? (await freePort());
  const cli = spawnCli(['run', target, '--port', String(port), ...(options.args ?? [])], options);
  const distribution: RunningDistribution = { ...cli, url: `http://127.0.0.1:${port}`, port };
  try {
    await waitForHealth(distribution, options.healthTimeoutMs ?? 60_000);
  } catch (error) {
    cli.child.kill('SIGKILL');
    throw error;
  }
  return distribution;
}

/**
 * Starts `llama-stack-ts worker <target> <args>` and resolves once it reports its workers started.
 * Rejects with the process output when it exits first or `timeoutMs` passes (and kills it).
 */
export async function startWorker(
  target: string,
  options: CliEnvironment & { args?: readonly string[]; timeoutMs?: number },
): Promise<RunningCli> {
  const cli = spawnCli(['worker', target, ...(options.args ?? [])], options);
  let exitedWith: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void cli.exited().then((result) => {
    exitedWith = result;
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!/ {2}jobs: /.test(cli.output())) {
    if (exitedWith || Date.now() > deadline) {
      cli.child.kill('SIGKILL');
      throw new Error(
        `llama-stack-ts worker ${exitedWith ? `exited (code ${exitedWith.code}, signal ${exitedWith.signal})` : 'did not start its workers in time'}:\n${cli.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return cli;
}

async function waitForHealth(distribution: RunningDistribution, timeoutMs: number): Promise<void> {
  let exitedWith: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void distribution.exited().then((result) => {
    exitedWith = result;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitedWith) {
      throw new Error(
        `llama-stack-ts run exited (code ${exitedWith.code}, signal ${exitedWith.signal}) before /health answered:\n${distribution.output()}`,
      );
    }
    try {
      const response = await fetch(`${distribution.url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `/health of ${distribution.url} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${distribution.output()}`,
  );
}

/** Sends `signal` to a running distribution and resolves with its exit and how long it took. */
export async function stopDistribution(
  distribution: RunningCli,
  signal: NodeJS.Signals = 'SIGINT',
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  distribution.child.kill(signal);
  const result = await distribution.exited();
  return { ...result, ms: Date.now() - started };
}

/** Kills every child still running (afterAll of each suite, whatever happened in the tests). */
export async function killAllChildren(): Promise<void> {
  const exits = [...running].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
  running.clear();
}
