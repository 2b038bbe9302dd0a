import { StackError } from './stack-error.js';

/** 503: a remote service or store a provider depends on cannot be reached. */
export class DependencyUnavailableError extends StackError {
  readonly provider: string;
  readonly url: string | undefined;

  constructor(provider: string, url: string | undefined, cause?: unknown) {
    const reason = cause instanceof Error ? `: ${cause.message}` : '';
    super(
      503,
      'dependency_unavailable',
      `Provider '${provider}' cannot reach ${url ?? 'its dependency'}${reason}. Check that it is running and reachable.`,
      { cause, details: { provider, ...(url === undefined ? {} : { url }) } },
    );
    this.name = 'DependencyUnavailableError';
    this.provider = provider;
    this.url = url;
  }
}
