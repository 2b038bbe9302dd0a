import { LoadApiKeyError } from './load-api-key-error.js';

export interface LoadApiKeyOptions {
  /** The key given explicitly (provider config or constructor option); wins over the environment. */
  apiKey: string | undefined;
  /** Read when `apiKey` is not given, e.g. `TOGETHER_API_KEY`. */
  environmentVariableName: string;
  /** What the key is for, used in the error message, e.g. `Together`. */
  description: string;
  /** How the option is spelled where the user sets it; default `apiKey` (`api_key` in a manifest). */
  optionName?: string;
  /** The environment to read; default `process.env` where there is one (not in a browser). */
  environment?: Record<string, string | undefined>;
}

/**
 * Returns the API key from the option, else from the environment variable. Throws a
 * `LoadApiKeyError` naming both ways to set it. The key itself never appears in a message.
 */
export function loadApiKey({
  apiKey,
  environmentVariableName,
  description,
  optionName = 'apiKey',
  environment = globalThis.process?.env ?? {},
}: LoadApiKeyOptions): string {
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  if (apiKey !== undefined && typeof apiKey !== 'string') {
    throw new LoadApiKeyError(`${description} API key must be a string; check the '${optionName}' option.`);
  }
  const fromEnvironment = environment[environmentVariableName];
  if (typeof fromEnvironment === 'string' && fromEnvironment.length > 0) return fromEnvironment;
  throw new LoadApiKeyError(
    `${description} API key is missing. Pass it with the '${optionName}' option or set the ` +
      `${environmentVariableName} environment variable.`,
  );
}
