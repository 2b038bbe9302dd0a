import { InvalidArgumentError } from 'commander';

/** Collects repeated `--env KEY=VALUE` options into one record (the last value of a key wins). */
export function collectEnvOption(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const equals = value.indexOf('=');
  const key = equals === -1 ? '' : value.slice(0, equals);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new InvalidArgumentError(
      `expected KEY=VALUE (e.g. --env MODEL_PATH=./model.gguf), got '${value}'.`,
    );
  }
  return { ...previous, [key]: value.slice(equals + 1) };
}

/** `--port`: an integer from 0 (any free port) to 65535. */
export function parsePortOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError(`expected a port number from 0 to 65535, got '${value}'.`);
  }
  return port;
}
