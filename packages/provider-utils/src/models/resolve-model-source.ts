import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Where a registered model's files come from: a folder on disk, or a Hugging Face hub repository. */
export type ModelSource =
  | { kind: 'local'; folder: string }
  | { kind: 'hub'; repoId: string; revision: string };

const hubRepoId = /^[\w.-]+\/[\w.-]+$/;

export interface ResolveModelSourceOptions {
  /** The hub id a malformed reference's error suggests, e.g. `hf:Xenova/all-MiniLM-L6-v2`. */
  exampleHubId?: string | undefined;
}

/**
 * Reads a model's `provider_resource_id`: `hf:owner/name[@revision]` and a bare `owner/name[@revision]`
 * name a hub repository; an absolute path, `./x`, `../x`, `~/x`, `file://x`, or any relative path
 * that exists (from `baseDir`) names a folder. A bare `owner/name` that is also an existing folder is
 * read as the folder, so a checkout of a model beside the manifest is used as it is.
 */
export function resolveModelSource(
  resourceId: string,
  baseDir: string = process.cwd(),
  options: ResolveModelSourceOptions = {},
): ModelSource {
  const example = options.exampleHubId ?? 'hf:minishlab/potion-base-8M';
  if (resourceId.startsWith('hf:')) return parseHubId(resourceId.slice(3), resourceId, example);
  if (resourceId.startsWith('file://'))
    return { kind: 'local', folder: resolve(new URL(resourceId).pathname) };
  if (resourceId === '~' || resourceId.startsWith('~/')) {
    return { kind: 'local', folder: join(homedir(), resourceId.slice(2)) };
  }
  if (isAbsolute(resourceId) || resourceId.startsWith('./') || resourceId.startsWith('../')) {
    return { kind: 'local', folder: resolve(baseDir, resourceId) };
  }
  const asPath = resolve(baseDir, resourceId);
  if (existsSync(asPath)) return { kind: 'local', folder: asPath };
  const [repoId] = resourceId.split('@');
  if (repoId && hubRepoId.test(repoId)) return parseHubId(resourceId, resourceId, example);
  return { kind: 'local', folder: asPath };
}

function parseHubId(reference: string, original: string, example: string): ModelSource {
  const at = reference.indexOf('@');
  const repoId = at === -1 ? reference : reference.slice(0, at);
  const revision = at === -1 ? 'main' : reference.slice(at + 1);
  if (!hubRepoId.test(repoId) || repoId.includes('..') || revision.length === 0) {
    throw new TypeError(
      `'${original}' is not a hub model reference; write hf:<owner>/<name> (optionally @<revision>), e.g. ${example}.`,
    );
  }
  return { kind: 'hub', repoId, revision };
}

/** Where the cache keeps a hub model's files (the layout transformers.js' file cache uses too). */
export function hubCacheFolder(cacheDir: string, repoId: string, revision: string): string {
  return revision === 'main' ? join(cacheDir, repoId) : join(cacheDir, repoId, revision);
}

/**
 * `$LLAMA_STACK_TS_MODEL_CACHE`, else `$LLAMA_STACK_TS_HOME/models`, else `~/.llama-stack-ts/models`:
 * one cache shared by every distribution and the `models` commands.
 */
export function defaultModelCacheDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (env.LLAMA_STACK_TS_MODEL_CACHE) return expandHome(env.LLAMA_STACK_TS_MODEL_CACHE);
  const home = env.LLAMA_STACK_TS_HOME;
  return home ? join(expandHome(home), 'models') : join(homedir(), '.llama-stack-ts', 'models');
}

export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}
