/**
 * How the code interpreter sandbox is built.
 *
 * - `'namespaces'` (default): Linux namespaces through util-linux (`unshare`, `mount`, `setpriv`,
 *   `prlimit`): no network, a private PID namespace, the whole filesystem read-only except the run's
 *   own temporary directory, no capabilities, `no_new_privs`, a throwaway uid when the server runs as
 *   root, and resource limits. If any part is missing the run is refused; it never silently runs
 *   without the sandbox.
 * - `'none'`: a plain subprocess with only the resource limits and the timeout. Only for machines
 *   where the code is trusted; it must be chosen explicitly.
 */
export type CodeInterpreterIsolation = 'namespaces' | 'none';

export type CodeInterpreterLanguage = 'python' | 'node';

export interface CodeInterpreterOptions {
  /** Sandbox kind. Default `'namespaces'`; `'none'` must be chosen explicitly. */
  isolation?: CodeInterpreterIsolation;
  /**
   * Wall-clock limit of the code, in milliseconds, counted from when the sandbox is built and the
   * interpreter starts (building it has its own bound); the whole sandbox is SIGKILLed past it.
   * Default 10 000.
   */
  timeLimitMs?: number;
  /**
   * Address-space limit of each process in the sandbox (RLIMIT_AS), in bytes. Default 512 MiB for
   * Python. Node reserves far more virtual memory than it uses, so a Node run gets this value as its
   * V8 heap limit and an address-space limit of `memoryLimitBytes + 4 GiB`.
   */
  memoryLimitBytes?: number;
  /** Bytes kept of stdout and of stderr each; a run that prints more is killed. Default 64 KiB. */
  maxOutputBytes?: number;
  /** Largest file the code may write (RLIMIT_FSIZE), in bytes. Default 16 MiB. */
  maxFileBytes?: number;
  /** Processes (threads included) the sandbox may hold at once (RLIMIT_NPROC). Default 16. */
  maxProcesses?: number;
  /** Largest image file returned as an attachment, in bytes; larger ones are skipped. Default 4 MiB. */
  maxAttachmentBytes?: number;
  /**
   * Python interpreter. Default: the first of `python3` on PATH, `/usr/bin/python3` and
   * `/usr/local/bin/python3` that starts inside the sandbox (an interpreter under a private home,
   * such as pyenv under /root, cannot be read by the sandbox's throwaway uid).
   */
  pythonPath?: string;
  /** Node interpreter, used when Python is absent or `language: 'node'` is asked. Default `process.execPath`. */
  nodePath?: string;
  /** Where the per-run temporary directories are created. Default `os.tmpdir()`. */
  workRoot?: string;
}

export interface ResolvedCodeInterpreterOptions {
  isolation: CodeInterpreterIsolation;
  timeLimitMs: number;
  memoryLimitBytes: number;
  maxOutputBytes: number;
  maxFileBytes: number;
  maxProcesses: number;
  maxAttachmentBytes: number;
  pythonPath: string | undefined;
  nodePath: string;
  workRoot: string | undefined;
}

export function resolveCodeInterpreterOptions(
  options: CodeInterpreterOptions,
): ResolvedCodeInterpreterOptions {
  return {
    isolation: options.isolation ?? 'namespaces',
    timeLimitMs: options.timeLimitMs ?? 10_000,
    memoryLimitBytes: options.memoryLimitBytes ?? 512 * 1024 * 1024,
    maxOutputBytes: options.maxOutputBytes ?? 64 * 1024,
    maxFileBytes: options.maxFileBytes ?? 16 * 1024 * 1024,
    maxProcesses: options.maxProcesses ?? 16,
    maxAttachmentBytes: options.maxAttachmentBytes ?? 4 * 1024 * 1024,
    pythonPath: options.pythonPath,
    nodePath: options.nodePath ?? process.execPath,
    workRoot: options.workRoot,
  };
}
