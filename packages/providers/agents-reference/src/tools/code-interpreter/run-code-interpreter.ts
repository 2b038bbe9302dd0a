import type { CodeInterpreterLanguage, CodeInterpreterOptions } from './code-interpreter-options.js';
import { CodeInterpreterUnavailableError } from './code-interpreter-unavailable-error.js';
import { detectCodeInterpreterSandbox } from './detect-code-interpreter-sandbox.js';
import { type CodeInterpreterResult, spawnSandboxed } from './spawn-sandboxed.js';

export interface CodeInterpreterRequest {
  code: string;
  /** Default: Python when an interpreter starts in the sandbox, otherwise Node. */
  language?: CodeInterpreterLanguage;
}

/**
 * Runs one piece of model-written code in the sandbox: no network, a private PID namespace, the
 * filesystem read-only except a fresh temporary directory (its cwd, HOME and TMPDIR), an empty
 * environment, and time, memory, process, file-size and output limits. Returns what it printed and
 * the image files it wrote there as data: URL attachments.
 *
 * @throws CodeInterpreterUnavailableError when the sandbox cannot be built or the language has no
 *   interpreter that starts in it.
 * @throws the signal's reason when `signal` aborts (the sandbox is killed first).
 */
export async function runCodeInterpreter(
  request: CodeInterpreterRequest,
  options: CodeInterpreterOptions & { signal?: AbortSignal } = {},
): Promise<CodeInterpreterResult> {
  const sandbox = await detectCodeInterpreterSandbox(options);
  const language = request.language ?? (sandbox.python !== undefined ? 'python' : 'node');
  const interpreter = language === 'python' ? sandbox.python : sandbox.node;
  if (interpreter === undefined) {
    throw new CodeInterpreterUnavailableError(
      `The code_interpreter has no ${language} interpreter that starts in its sandbox (${sandbox.probeFailures.join('; ')}). Set ${language === 'python' ? 'pythonPath' : 'nodePath'} to an interpreter readable by any user, or ask for the other language.`,
    );
  }
  return spawnSandboxed(sandbox, options, language, interpreter, request.code);
}
