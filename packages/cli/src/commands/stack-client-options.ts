import { createStackClient, type StackClient } from '@llama-stack-ts/client';

/** How a command that talks to a running server finds it: `--url`, `--api-key`. */
export interface ServerConnectionOptions {
  url: string;
  apiKey?: string;
}

/** A typed client for the server at `--url`, sending `--api-key` (the distribution's `server.auth_key`). */
export function stackClientFor(options: ServerConnectionOptions): StackClient {
  return createStackClient({ baseUrl: options.url, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
}
