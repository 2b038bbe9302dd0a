import type { ProviderLogger } from '@llama-stack-ts/core';

/** A logger that keeps what it is told, so a test can read it and the output stays quiet. */
export class RecordingLogger implements ProviderLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}
