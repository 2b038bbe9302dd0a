import type { ProviderLogger } from '@llama-stack-ts/core';

/** Where the stack and its providers report; `console` on stderr unless one is given. */
export type StackLogger = ProviderLogger;

/** Writes `[llama-stack-ts] message {details}` lines to stderr (stdout stays for program output). */
export function createConsoleLogger(prefix = 'llama-stack-ts'): StackLogger {
  const write = (level: string, message: string, details?: Record<string, unknown>) => {
    const suffix = details && Object.keys(details).length > 0 ? ` ${JSON.stringify(details)}` : '';
    process.stderr.write(`[${prefix}]${level === 'info' ? '' : ` ${level}:`} ${message}${suffix}\n`);
  };
  return {
    info: (message, details) => write('info', message, details),
    warn: (message, details) => write('warning', message, details),
    error: (message, details) => write('error', message, details),
  };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: StackLogger = { info() {}, warn() {}, error() {} };

/** Prefixes each message with the provider id, so interleaved lines stay readable. */
export function scopeLogger(logger: StackLogger, scope: string): StackLogger {
  return {
    info: (message, details) => logger.info(`[${scope}] ${message}`, details),
    warn: (message, details) => logger.warn(`[${scope}] ${message}`, details),
    error: (message, details) => logger.error(`[${scope}] ${message}`, details),
  };
}
