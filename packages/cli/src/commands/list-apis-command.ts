import { apiRegistry } from '@llama-stack-ts/core';
import { formatTable } from './format-table.js';

/** `llama-stack-ts list-apis`. */
export async function listApisCommand(options: { routes?: boolean }): Promise<void> {
  if (options.routes) {
    const rows = apiRegistry.flatMap((api) =>
      api.routes.map((route) => [
        api.name,
        route.method,
        route.path,
        `${route.operation}${'streamOperation' in route ? ` / ${route.streamOperation}` : ''}${'experimental' in route && route.experimental ? ' (experimental)' : ''}`,
      ]),
    );
    process.stdout.write(formatTable(['API', 'METHOD', 'PATH', 'OPERATION'], rows));
    return;
  }
  const rows = apiRegistry.map((api) => [api.name, String(api.routes.length), api.description]);
  process.stdout.write(formatTable(['API', 'ROUTES', 'DESCRIPTION'], rows));
  process.stdout.write(
    '\nA distribution.yaml serves an API by naming a provider under providers.<api>; see list-providers.\n',
  );
}
