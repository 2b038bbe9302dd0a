import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SandboxMode, SandboxTools } from './build-sandbox-command.js';
import type { CodeInterpreterOptions } from './code-interpreter-options.js';
import { resolveCodeInterpreterOptions } from './code-interpreter-options.js';
import { CodeInterpreterUnavailableError } from './code-interpreter-unavailable-error.js';
import { spawnSandboxed } from './spawn-sandboxed.js';

/** What this machine offers, probed by actually starting each interpreter inside the sandbox. */
export interface CodeInterpreterSandbox {
  mode: SandboxMode;
  tools: Partial<SandboxTools>;
  /** Interpreter paths that started inside the sandbox; absent when none did. */
  python: string | undefined;
  node: string | undefined;
  /** Why each candidate interpreter failed its probe (for error messages). */
  probeFailures: string[];
}

const cache = new Map<string, Promise<CodeInterpreterSandbox>>();

/**
 * Finds how to sandbox code on this machine and which interpreters start inside that sandbox. Call it
 * at provider start-up so a machine that cannot sandbox fails early with a message naming what is
 * missing. Results are cached per (isolation, interpreter paths); a failure is not cached.
 *
 * @throws CodeInterpreterUnavailableError when a sandbox tool or kernel feature is missing, or no
 *   interpreter starts inside the sandbox.
 */
export function detectCodeInterpreterSandbox(
  options: CodeInterpreterOptions = {},
  /** Where to look for the sandbox tools instead of PATH and the usual directories (for tests). */
  toolDirectories?: string[],
): Promise<CodeInterpreterSandbox> {
  if (toolDirectories !== undefined) return detect(options, toolDirectories);
  const resolved = resolveCodeInterpreterOptions(options);
  const key = JSON.stringify([resolved.isolation, resolved.pythonPath, resolved.nodePath, resolved.workRoot]);
  let found = cache.get(key);
  if (found === undefined) {
    found = detect(options);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

async function detect(
  options: CodeInterpreterOptions,
  toolDirectories?: string[],
): Promise<CodeInterpreterSandbox> {
  const resolved = resolveCodeInterpreterOptions(options);
  const tools: Partial<SandboxTools> = {
    sh: findExecutable('sh', toolDirectories),
    unshare: findExecutable('unshare', toolDirectories),
    mount: findExecutable('mount', toolDirectories),
    setpriv: findExecutable('setpriv', toolDirectories),
    prlimit: findExecutable('prlimit', toolDirectories),
  };
  let mode: SandboxMode = 'none';
  if (resolved.isolation === 'namespaces') {
    if (process.platform !== 'linux') {
      throw new CodeInterpreterUnavailableError(
        `The code_interpreter sandbox needs Linux namespaces, and this is ${process.platform}. Run the stack on Linux, or set the code interpreter's isolation to 'none' if every piece of code it runs is trusted.`,
      );
    }
    const missing = Object.entries(tools)
      .filter(([, path]) => path === undefined)
      .map(([name]) => name);
    if (missing.length > 0) {
      throw new CodeInterpreterUnavailableError(
        `The code_interpreter sandbox needs ${missing.join(', ')} on PATH and cannot find ${missing.length === 1 ? 'it' : 'them'}. Install util-linux and mount (Debian/Ubuntu: apt-get install util-linux mount), or set the code interpreter's isolation to 'none' if every piece of code it runs is trusted.`,
      );
    }
    mode = process.getuid?.() === 0 ? 'root' : 'user-namespace';
  }

  const sandbox: CodeInterpreterSandbox = {
    mode,
    tools,
    python: undefined,
    node: undefined,
    probeFailures: [],
  };
  const pythonCandidates =
    resolved.pythonPath !== undefined
      ? [resolved.pythonPath]
      : unique([findExecutable('python3'), '/usr/bin/python3', '/usr/local/bin/python3']);
  for (const candidate of pythonCandidates) {
    if (candidate === undefined) continue;
    const failure = await probe(sandbox, options, 'python', candidate);
    if (failure === undefined) {
      sandbox.python = candidate;
      break;
    }
    sandbox.probeFailures.push(failure);
  }
  const nodeFailure = await probe(sandbox, options, 'node', resolved.nodePath);
  if (nodeFailure === undefined) sandbox.node = resolved.nodePath;
  else sandbox.probeFailures.push(nodeFailure);

  if (sandbox.python === undefined && sandbox.node === undefined) {
    const userNamespaceHint =
      mode === 'user-namespace'
        ? ' If unshare reports "Operation not permitted", this kernel forbids unprivileged user namespaces: allow them (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0) or run the server as root.'
        : '';
    throw new CodeInterpreterUnavailableError(
      `The code_interpreter sandbox (${mode}) could not start any interpreter: ${sandbox.probeFailures.join('; ')}.${userNamespaceHint} An interpreter must be readable by any user (not under a private home such as /root/.pyenv); set pythonPath or nodePath to one that is.`,
    );
  }
  return sandbox;
}

async function probe(
  sandbox: CodeInterpreterSandbox,
  options: CodeInterpreterOptions,
  language: 'python' | 'node',
  interpreter: string,
): Promise<string | undefined> {
  const code = language === 'python' ? 'print("sandbox-ok")' : 'console.log("sandbox-ok")';
  try {
    const result = await spawnSandboxed(
      sandbox,
      { ...options, timeLimitMs: 15_000 },
      language,
      interpreter,
      code,
    );
    if (result.exit_code === 0 && result.stdout.trim() === 'sandbox-ok') return undefined;
    const stderr = result.stderr.trim().split('\n').slice(-3).join(' | ');
    return `${interpreter} exited with ${result.exit_code}${stderr === '' ? '' : ` (${stderr})`}`;
  } catch (error) {
    return `${interpreter}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function findExecutable(name: string, only?: string[]): string | undefined {
  const directories = only ?? [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/local/bin',
    '/usr/bin',
    '/bin',
    '/usr/sbin',
    '/sbin',
  ];
  for (const directory of directories) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

function unique(values: (string | undefined)[]): (string | undefined)[] {
  return [...new Set(values)];
}
