/** A provider's `create()` failed at start-up; the providers already created have been disposed. */
export class ProviderStartError extends Error {
  readonly providerId: string;
  readonly providerType: string;
  /** The entry's YAML path: `providers.inference[0]`. */
  readonly path: string;

  constructor(options: { providerId: string; providerType: string; path: string; cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `Provider '${options.providerId}' (${options.providerType}) at ${options.path} failed to start: ${reason}`,
      { cause: options.cause },
    );
    this.name = 'ProviderStartError';
    this.providerId = options.providerId;
    this.providerType = options.providerType;
    this.path = options.path;
  }
}
