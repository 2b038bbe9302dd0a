import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@llama-stack-ts/provider-utils/test';

const bin = join(repoRoot, 'packages/cli/bin/llama-stack-ts.js');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has exited and its output is closed. */
  finished: Promise<Finished>;
}

/** Starts the real command as a process, from the repository root, on the TypeScript sources. */
export function startCli(args: string[], env: Record<string, string> = {}): StartedCli {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LLAMA_STACK_TS_FROM_SOURCE: '1', ...env },
  });
  const finished = new Promise<Finished>((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
  return { child, finished };
}

/** Runs the real command to its end. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return startCli(args, env).finished;
}
