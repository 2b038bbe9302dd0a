import { StackError } from './stack-error.js';

/**
 * 502: the upstream a remote provider relays to failed: it answered 5xx, could not be reached, or
 * dropped the connection. The message names the upstream, so the operator knows which server to
 * look at; the client's request itself may be fine and may succeed later.
 */
export class UpstreamError extends StackError {
  readonly upstream: string;

  constructor(upstream: string, reason: string, options: { cause?: unknown } = {}) {
    super(502, 'upstream_error', `The upstream ${upstream} failed: ${reason}`, {
      cause: options.cause,
      details: { upstream },
    });
    this.name = 'UpstreamError';
    this.upstream = upstream;
  }
}
