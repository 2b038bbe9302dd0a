import type { Models } from '@llama-stack-ts/core';

/** One provider's line in `/health`. */
export interface ProviderHealthLike {
  provider_id: string;
  provider_type: string;
  status: 'ok' | 'error';
  message?: string;
}

/** The fields of a manifest's `server:` section the server reads. */
export interface ServerSettingsLike {
  readonly port?: number;
  readonly host?: string;
  readonly auth_key?: string;
  readonly metrics_public?: boolean;
  readonly allowed_hosts?: readonly string[];
  readonly cors_origins?: readonly string[];
  readonly max_body_bytes?: number;
  readonly max_upload_bytes?: number;
  readonly tgi_model?: string;
}

/**
 * The part of a `Stack` (from `@llama-stack-ts/core`) the server uses. Every `Stack` is one; a
 * hand-built object is one too, which is how a test or an embedding app serves its own
 * implementations without a manifest.
 */
export interface ServableStack {
  readonly manifest: {
    readonly name: string;
    /** The manifest's `server:` section: defaults for the options of `createStackApp`/`startStackServer`. */
    readonly server?: ServerSettingsLike;
  };
  /** Implementations by API; an API the distribution does not serve is absent (answered 404). */
  readonly apis: Readonly<Partial<Record<string, unknown>>>;
  readonly models: Models;
  health(): Promise<readonly ProviderHealthLike[]>;
  dispose(): Promise<void>;
}
