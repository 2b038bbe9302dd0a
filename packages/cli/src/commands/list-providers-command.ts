import { dirname } from 'node:path';
import { type ApiName, apiNames } from '@llama-stack-ts/core';
import { builtinProviders, resolveModuleFile } from '@llama-stack-ts/stack';
import { CliError } from '../cli-error.js';
import { listDistributions } from '../find-distribution.js';
import { formatTable } from './format-table.js';

/** `llama-stack-ts list-providers [api]`. */
export async function listProvidersCommand(api: string | undefined): Promise<void> {
  if (api !== undefined && !(apiNames as readonly string[]).includes(api)) {
    throw new CliError(`Unknown API '${api}'. APIs: ${apiNames.join(', ')}.`, 2);
  }
  // A provider counts as installed when this directory or one of the distributions can import it.
  const searchDirs = [
    process.cwd(),
    ...listDistributions().map((distribution) => dirname(distribution.manifestPath)),
  ];
  const installed = (packageName: string) =>
    searchDirs.some(
      (dir) => resolveModuleFile(packageName, dir, false) ?? resolveModuleFile(packageName, dir, true),
    );
  const providers = builtinProviders.filter(
    (provider) => api === undefined || provider.api === (api as ApiName),
  );
  const rows = providers.map((provider) => [
    provider.api,
    provider.providerType,
    provider.packageName,
    installed(provider.packageName) ? 'installed' : 'not installed',
    provider.description,
  ]);
  process.stdout.write(formatTable(['API', 'PROVIDER TYPE', 'PACKAGE', 'STATUS', 'DESCRIPTION'], rows));
  process.stdout.write(
    '\nUse one in a distribution.yaml:\n' +
      `  providers:\n    ${providers[0]?.api ?? 'inference'}:\n      - provider_id: my-provider\n` +
      `        provider_type: ${providers[0]?.providerType ?? 'inline::llama-cpp'}\n        config: {}\n` +
      'A provider published outside this repository: add `module: <npm package>` beside provider_type.\n',
  );
}
