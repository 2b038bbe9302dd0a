import { StackError } from './stack-error.js';

/** 504: the upstream a remote provider relays to did not answer, or stalled mid-answer, past its timeout. */
export class UpstreamTimeoutError extends StackError {
  readonly upstream: string;
  readonly timeoutMs: number;

  constructor(upstream: string, phase: 'connect' | 'read', timeoutMs: number) {
    const what = phase === 'connect' ? 'did not answer' : 'sent nothing more';
    super(
      504,
      'upstream_timeout',
      `The upstream ${upstream} ${what} within ${timeoutMs} ms (its ${phase} timeout).`,
      { details: { upstream, phase, timeout_ms: timeoutMs } },
    );
    this.name = 'UpstreamTimeoutError';
    this.upstream = upstream;
    this.timeoutMs = timeoutMs;
  }
}
