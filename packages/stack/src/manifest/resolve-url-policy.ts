import { resolve } from 'node:path';
import type { UrlPolicy } from '@llama-stack-ts/core';
import { expandHome } from './data-dir.js';
import type { DistributionManifest } from './manifest-schema.js';

/**
 * The manifest's `url_fetch:` as providers receive it (`ProviderContext.urlPolicy`): file roots
 * absolute (relative ones from the manifest's directory, `~` expanded), the data directory when
 * `file_roots` is left out.
 */
export function resolveUrlPolicy(
  manifest: Pick<DistributionManifest, 'url_fetch'>,
  { baseDir, dataDir }: { baseDir: string; dataDir: string },
): UrlPolicy {
  const roots = manifest.url_fetch.file_roots ?? [dataDir];
  return {
    allowedFileRoots: roots.map((root) => resolve(baseDir, expandHome(root))),
    allowedPrivateHosts: manifest.url_fetch.allowed_private_hosts,
  };
}
