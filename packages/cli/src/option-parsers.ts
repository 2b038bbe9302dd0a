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

/** An option that counts something: an integer of at least 1. */
export function parsePositiveInteger(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1) {
    throw new InvalidArgumentError(`expected an integer of at least 1, got '${value}'.`);
  }
  return count;
}

/** An option that takes any number, such as a temperature (the server checks its range). */
export function parseNumberOption(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`expected a number, got '${value}'.`);
  }
  return number;
}
