import type { ProviderLogger } from '@llama-stack-ts/core';

export interface RecordedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

/** A logger that keeps what it is told, so a test can read it and the output stays quiet. */
export class RecordingLogger implements ProviderLogger {
  readonly lines: RecordedLine[] = [];
  info(message: string, details?: Record<string, unknown>): void {
    this.record('info', message, details);
  }
  warn(message: string, details?: Record<string, unknown>): void {
    this.record('warn', message, details);
  }
  error(message: string, details?: Record<string, unknown>): void {
    this.record('error', message, details);
  }
  private record(level: RecordedLine['level'], message: string, details?: Record<string, unknown>): void {
    this.lines.push({ level, message, ...(details ? { details } : {}) });
  }
}
