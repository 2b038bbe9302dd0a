import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { expandHome, formatBytes } from '@llama-stack-ts/provider-utils/models';
import { CliError } from '../cli-error.js';
import { modelCacheDir } from './model-cache-dir.js';
import { modelCachePath, parseModelDownloadSource } from './model-download-source.js';

export interface ModelsRemoveOptions {
  dir?: string;
}

/**
 * `llama-stack-ts models remove <model>`: deletes a model file of the cache, with what an
 * interrupted download left beside it (`.partial`, `.lock`), and the folders it leaves empty.
 */
export async function modelsRemoveCommand(model: string, options: ModelsRemoveOptions): Promise<void> {
  const cacheDir = modelCacheDir(options.dir);
  const listHint = `\`llama-stack-ts models list${options.dir ? ` --dir ${options.dir}` : ''}\` shows what is there.`;
  const target = targetOf(model, cacheDir);
  if (target === undefined) {
    throw new CliError(`No downloaded file in ${cacheDir} matches '${model}'. ${listHint}`);
  }
  const inside = relative(cacheDir, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new CliError(
      `${target} is not in the model cache ${cacheDir}; models remove only deletes files there (delete others yourself).`,
      2,
    );
  }
  const found = await Promise.all(
    [target, `${target}.partial`, `${target}.lock`].map(async (path) => ({
      path,
      stats: await stat(path).catch(() => undefined),
    })),
  );
  if (found[0]?.stats?.isDirectory()) {
    throw new CliError(`${target} is a folder; name one of its files. ${listHint}`, 2);
  }

  const removed: string[] = [];
  for (const { path, stats } of found) {
    if (!stats) continue;
    await rm(path, { force: true });
    removed.push(`${path} (${formatBytes(stats.size)})`);
  }
  if (removed.length === 0) {
    throw new CliError(`${model} is not in the model cache: there is no ${target}. ${listHint}`);
  }
  await removeEmptyFolders(dirname(target), cacheDir);
  process.stdout.write(removed.map((line) => `Removed ${line}\n`).join(''));
}

/** The file a `hf:` reference or URL names in the cache, or a path as `models list` shows it (relative to the cache). */
function targetOf(model: string, cacheDir: string): string | undefined {
  const source = parseModelDownloadSource(model);
  return source ? modelCachePath(source, cacheDir) : resolve(cacheDir, expandHome(model));
}

/** `<owner>/<repo>` folders emptied by the removal go too; the cache folder itself stays. */
async function removeEmptyFolders(folder: string, cacheDir: string): Promise<void> {
  let current = folder;
  while (current !== cacheDir && relative(cacheDir, current).split(/[\\/]/)[0] !== '..') {
    const entries = await readdir(current).catch(() => undefined);
    if (entries === undefined || entries.length > 0) return;
    await rmdir(current).catch(() => undefined);
    current = dirname(current);
  }
}
