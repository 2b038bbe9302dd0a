import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DistributionManifest } from './manifest-schema.js';
import type { Environment } from './substitute-env.js';

export interface ResolveDataDirOptions {
  /** Directory a relative `data_dir` resolves from (the manifest's). Default: cwd. */
  baseDir?: string;
  /** Reads `LLAMA_STACK_TS_HOME`; default `process.env`. */
  env?: Environment;
}

/**
 * Where a distribution keeps its state: the manifest's `data_dir`, else
 * `$LLAMA_STACK_TS_HOME/<name>`, else `~/.llama-stack-ts/<name>`. Each provider gets
 * `<data dir>/<provider_id>`.
 */
export function resolveDataDir(
  manifest: Pick<DistributionManifest, 'name' | 'data_dir'>,
  options: ResolveDataDirOptions = {},
): string {
  const baseDir = resolve(options.baseDir ?? process.cwd());
  if (manifest.data_dir) return resolve(baseDir, expandHome(manifest.data_dir));
  const home = (options.env ?? process.env).LLAMA_STACK_TS_HOME;
  const root = home ? resolve(baseDir, expandHome(home)) : join(homedir(), '.llama-stack-ts');
  return join(root, manifest.name);
}

/** `~` and `~/x` name the user's home directory, as in a shell. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}
