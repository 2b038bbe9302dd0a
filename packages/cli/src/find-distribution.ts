import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error.js';

/** A distribution the CLI can run: its name and its manifest file. */
export interface DistributionLocation {
  name: string;
  manifestPath: string;
  /** `repository` (distributions/<name>/ of a checkout) or `package` (@llama-stack-ts/distribution-<name>). */
  origin: 'repository' | 'package';
  description?: string;
}

const manifestFile = 'distribution.yaml';
const packagePrefix = '@llama-stack-ts/distribution-';
const cliDir = dirname(fileURLToPath(import.meta.url));

export interface FindDistributionOptions {
  /** Where to start looking; default `process.cwd()`. */
  cwd?: string;
}

/**
 * The manifest a `run`/`validate` argument names: a path to a manifest file (or to a directory
 * holding `distribution.yaml`), or a distribution name, looked up as `distributions/<name>/` of
 * this repository, then as an installed `@llama-stack-ts/distribution-<name>` package.
 */
export function findDistribution(nameOrPath: string, options: FindDistributionOptions = {}): string {
  const cwd = resolve(options.cwd ?? process.cwd());
  const asPath = resolve(cwd, nameOrPath);
  if (looksLikePath(nameOrPath) || existsSync(asPath)) {
    if (!existsSync(asPath)) throw new CliError(`No such file: ${asPath}.`, 2);
    if (statSync(asPath).isDirectory()) {
      const inside = join(asPath, manifestFile);
      if (!existsSync(inside)) throw new CliError(`${asPath} is a directory without a ${manifestFile}.`, 2);
      return inside;
    }
    return asPath;
  }
  const found = listDistributions({ cwd }).find((distribution) => distribution.name === nameOrPath);
  if (found) return found.manifestPath;
  const known = listDistributions({ cwd }).map((distribution) => distribution.name);
  throw new CliError(
    `Unknown distribution '${nameOrPath}'. ${
      known.length > 0 ? `Known here: ${[...new Set(known)].join(', ')}.` : 'None is installed here.'
    } Pass a path to a ${manifestFile}, or install one: pnpm add ${packagePrefix}${nameOrPath}.`,
    2,
  );
}

/**
 * Every distribution reachable from `cwd`: `distributions/*` of the repository around `cwd` (and
 * around this CLI), then `@llama-stack-ts/distribution-*` packages in any `node_modules` above
 * them. The first of a name wins.
 */
export function listDistributions(options: FindDistributionOptions = {}): DistributionLocation[] {
  const cwd = resolve(options.cwd ?? process.cwd());
  const found = new Map<string, DistributionLocation>();
  const add = (location: DistributionLocation) => {
    if (!found.has(location.name)) found.set(location.name, location);
  };
  for (const start of [cwd, cliDir]) {
    for (const dir of ancestors(start)) {
      const distributions = join(dir, 'distributions');
      for (const name of subdirectories(distributions)) {
        const manifestPath = join(distributions, name, manifestFile);
        if (existsSync(manifestPath))
          add({ name, manifestPath, origin: 'repository', ...describe(manifestPath) });
      }
    }
  }
  for (const start of [cwd, cliDir]) {
    for (const dir of ancestors(start)) {
      const scope = join(dir, 'node_modules', '@llama-stack-ts');
      for (const entry of subdirectories(scope)) {
        if (!entry.startsWith('distribution-')) continue;
        const manifestPath = join(scope, entry, manifestFile);
        if (existsSync(manifestPath)) {
          add({
            name: entry.slice('distribution-'.length),
            manifestPath,
            origin: 'package',
            ...describe(manifestPath),
          });
        }
      }
    }
  }
  return [...found.values()];
}

function looksLikePath(value: string): boolean {
  return (
    value.includes('/') || value.includes('\\') || /\.(ya?ml|json)$/i.test(value) || value.startsWith('.')
  );
}

function* ancestors(start: string): Generator<string> {
  for (let dir = start; ; dir = dirname(dir)) {
    yield dir;
    if (dirname(dir) === dir) return;
  }
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The manifest's top-level `description:` line, read without parsing (or substituting) the whole file. */
function describe(manifestPath: string): { description?: string } {
  try {
    const match = /^description:\s*(.+)$/m.exec(readFileSync(manifestPath, 'utf8'));
    const text = match?.[1]?.trim().replace(/^(['"])(.*)\1$/, '$2');
    return text ? { description: text } : {};
  } catch {
    return {};
  }
}
