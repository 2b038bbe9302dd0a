export type {
  CodeInterpreterIsolation,
  CodeInterpreterLanguage,
  CodeInterpreterOptions,
} from './code-interpreter-options.js';
export { CodeInterpreterUnavailableError } from './code-interpreter-unavailable-error.js';
export {
  type CodeInterpreterSandbox,
  detectCodeInterpreterSandbox,
} from './detect-code-interpreter-sandbox.js';
export { type CodeInterpreterRequest, runCodeInterpreter } from './run-code-interpreter.js';
export type { CodeInterpreterKilledReason, CodeInterpreterResult } from './spawn-sandboxed.js';
