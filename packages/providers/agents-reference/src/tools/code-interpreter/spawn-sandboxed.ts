import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment } from '@llama-stack-ts/core';
import {
  buildSandboxCommand,
  SANDBOX_READY_FD,
  type SandboxMode,
  type SandboxTools,
} from './build-sandbox-command.js';
import type { CodeInterpreterLanguage, CodeInterpreterOptions } from './code-interpreter-options.js';
import { resolveCodeInterpreterOptions } from './code-interpreter-options.js';
import { collectImageAttachments } from './collect-image-attachments.js';

/** Why the sandbox stopped the code before it finished on its own. */
export type CodeInterpreterKilledReason =
  | 'timeout'
  | 'output_limit'
  | 'memory_limit'
  | 'cpu_limit'
  | 'file_size_limit'
  | 'aborted';

export interface CodeInterpreterResult {
  stdout: string;
  stderr: string;
  /** The exit status; 128 + the signal number when a signal ended it (as a shell reports it). */
  exit_code: number;
  timed_out: boolean;
  killed_reason?: CodeInterpreterKilledReason;
  /** Image files the code wrote in its directory, as data: URLs. */
  attachments: Attachment[];
}

interface SandboxShape {
  mode: SandboxMode;
  tools: Partial<SandboxTools>;
}

const signalNumbers: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15,
  SIGXCPU: 24,
  SIGXFSZ: 25,
};

/** Node reserves virtual memory far beyond its heap (code space, cage, thread stacks). */
const nodeAddressSpaceSlackBytes = 4 * 1024 * 1024 * 1024;

/**
 * Bound on building the sandbox (a shell and one `mount` per mount point), before the code's own
 * time limit starts: a few milliseconds on an idle machine, seconds on a loaded one.
 */
const sandboxSetupTimeLimitMs = 30_000;

/**
 * Runs `code` once in a fresh work directory under the given sandbox and cleans up after it. The whole
 * sandbox (its PID namespace, or its process group under `none`) is SIGKILLed on timeout, on output
 * overflow and on abort.
 */
export async function spawnSandboxed(
  sandbox: SandboxShape,
  options: CodeInterpreterOptions & { signal?: AbortSignal },
  language: CodeInterpreterLanguage,
  interpreter: string,
  code: string,
): Promise<CodeInterpreterResult> {
  const resolved = resolveCodeInterpreterOptions(options);
  options.signal?.throwIfAborted();
  const workDir = await mkdtemp(join(resolved.workRoot ?? tmpdir(), 'code-interpreter-'));
  // A throwaway uid per run: RLIMIT_NPROC counts per uid, so runs cannot starve each other, and the
  // code cannot touch files of any real user.
  const sandboxUid = randomInt(3_000_000, 4_000_000);
  try {
    if (sandbox.mode === 'root') {
      await chown(workDir, sandboxUid, sandboxUid);
    }
    await chmod(workDir, 0o700);
    const argv =
      language === 'python'
        ? [interpreter, '-I', '-B', '-u', '-']
        : [
            interpreter,
            `--max-old-space-size=${Math.max(16, Math.floor(resolved.memoryLimitBytes / 1024 / 1024))}`,
            '-',
          ];
    const { command, args } = buildSandboxCommand({
      mode: sandbox.mode,
      tools: sandbox.tools,
      workDir,
      sandboxUid,
      argv,
      limits: {
        addressSpaceBytes: resolved.memoryLimitBytes + (language === 'node' ? nodeAddressSpaceSlackBytes : 0),
        cpuSeconds: Math.ceil(resolved.timeLimitMs / 1000) + 1,
        fileBytes: resolved.maxFileBytes,
        processes: resolved.maxProcesses,
      },
    });
    const result = await runProcess(command, args, {
      workDir,
      code,
      reportsReady: sandbox.mode !== 'none',
      timeLimitMs: resolved.timeLimitMs,
      maxOutputBytes: resolved.maxOutputBytes,
      signal: options.signal,
    });
    const attachments = await collectImageAttachments(workDir, resolved.maxAttachmentBytes);
    return { ...result, attachments };
  } finally {
    await removeWorkDir(workDir);
  }
}

interface RunProcessOptions {
  workDir: string;
  code: string;
  /** The command is a namespace sandbox whose setup writes to `SANDBOX_READY_FD` once built. */
  reportsReady: boolean;
  timeLimitMs: number;
  maxOutputBytes: number;
  signal: AbortSignal | undefined;
}

async function runProcess(
  command: string,
  args: string[],
  { workDir, code, reportsReady, timeLimitMs, maxOutputBytes, signal }: RunProcessOptions,
): Promise<Omit<CodeInterpreterResult, 'attachments'>> {
  // The work directory was prepared asynchronously: an abort in between has no listener to hear it.
  signal?.throwIfAborted();
  const child = spawn(command, args, {
    cwd: workDir,
    // Nothing of the server's environment (API keys) reaches the code.
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: workDir,
      TMPDIR: workDir,
      LANG: 'C.UTF-8',
      MPLBACKEND: 'Agg',
      MPLCONFIGDIR: join(workDir, '.matplotlib'),
    },
    stdio: reportsReady ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    // Its own process group, so one kill reaches unshare, setpriv and the code.
    detached: true,
  });
  let killedReason: CodeInterpreterKilledReason | undefined;
  const kill = (reason: CodeInterpreterKilledReason) => {
    killedReason ??= reason;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const stdout = new CappedOutput(maxOutputBytes, () => kill('output_limit'));
  const stderr = new CappedOutput(maxOutputBytes, () => kill('output_limit'));
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // The code may exit without reading its program text to the end; a broken pipe is not our failure.
  child.stdin.on('error', () => {});
  child.stdin.end(code);

  // The time limit is the code's: it starts once the sandbox is built, so a loaded machine that is
  // slow to build it does not eat into it (building has its own bound).
  let timer = setTimeout(() => kill('timeout'), reportsReady ? sandboxSetupTimeLimitMs : timeLimitMs);
  child.stdio[SANDBOX_READY_FD]?.once('data', () => {
    clearTimeout(timer);
    timer = setTimeout(() => kill('timeout'), timeLimitMs);
  });
  const onAbort = () => kill('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const { exitCode, exitSignal } = await new Promise<{
      exitCode: number | null;
      exitSignal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode, exitSignal) => {
        // In a namespace sandbox every process dies with it, so the pipes close by themselves. Under
        // isolation 'none' a descendant that left the process group may hold them open: stop waiting
        // shortly after the exit, once what is already in them is read (setImmediate runs after the
        // poll phase that reads it; destroying straight from a late timer would drop that output).
        const streamsTimer = reportsReady
          ? undefined
          : setTimeout(
              () =>
                setImmediate(() => {
                  child.stdout.destroy();
                  child.stderr.destroy();
                }),
              500,
            );
        child.once('close', () => {
          clearTimeout(streamsTimer);
          resolve({ exitCode, exitSignal });
        });
      });
    });
    if (killedReason === 'aborted') signal?.throwIfAborted();
    const exit_code = exitCode ?? 128 + (exitSignal === null ? 0 : (signalNumbers[exitSignal] ?? 0));
    const stderrText = stderr.text();
    killedReason ??= inferLimitHit(exit_code, exitSignal, stderrText);
    return {
      stdout: stdout.text(),
      stderr: stderrText,
      exit_code,
      timed_out: killedReason === 'timeout',
      ...(killedReason === undefined ? {} : { killed_reason: killedReason }),
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Names the resource limit a failed run most likely hit, from how it ended. */
function inferLimitHit(
  exitCode: number,
  exitSignal: NodeJS.Signals | null,
  stderr: string,
): CodeInterpreterKilledReason | undefined {
  if (exitCode === 0) return undefined;
  if (exitSignal === 'SIGXCPU' || exitCode === 128 + 24) return 'cpu_limit';
  if (exitSignal === 'SIGXFSZ' || exitCode === 128 + 25 || /File too large/.test(stderr))
    return 'file_size_limit';
  if (
    /MemoryError|JavaScript heap out of memory|Fatal process out of memory|Cannot allocate memory/.test(
      stderr,
    )
  ) {
    return 'memory_limit';
  }
  return undefined;
}

/** Keeps the first `limit` bytes of a stream and calls `onOverflow` once when more arrive. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room > 0) {
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    if (chunk.length > room && !this.overflowed) {
      this.overflowed = true;
      this.onOverflow();
    }
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.overflowed ? `${text}\n[output truncated at ${this.limit} bytes]` : text;
  }
}

async function removeWorkDir(workDir: string): Promise<void> {
  try {
    await rm(workDir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // The code may have left directories without write permission (only stops a non-root server).
    await makeRemovable(workDir);
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

async function makeRemovable(directory: string): Promise<void> {
  await chmod(directory, 0o700).catch(() => {});
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeRemovable(join(directory, entry.name));
  }
}
