import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressStream } from '../progress-bar.js';
import { downloadFile } from './download-file.js';
import { hubCacheFolder } from './resolve-model-source.js';

export interface DownloadHubFilesOptions {
  repoId: string;
  revision: string;
  files: readonly string[];
  /** The hub's base URL, e.g. `https://huggingface.co` (a mirror or a loopback server in tests). */
  hubUrl: string;
  cacheDir: string;
  /** Sent as a bearer token (gated models); never logged. Default: `HF_TOKEN` from the environment. */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Where the progress bar is drawn; `null` draws none. Default `process.stderr`. */
  progressStream?: ProgressStream | null;
  fetch?: typeof globalThis.fetch;
}

/**
 * Makes sure each of `files` of a hub repository is in the cache folder, downloading the missing ones
 * from `<hubUrl>/<repoId>/resolve/<revision>/<file>` with a progress bar (`downloadFile`: written to
 * `<file>.partial` and renamed when complete, so an interrupted download never leaves a truncated
 * file that a later start would take for the model, and resumed by the next attempt).
 */
export async function downloadHubFiles(options: DownloadHubFilesOptions): Promise<string> {
  const folder = hubCacheFolder(options.cacheDir, options.repoId, options.revision);
  const token = options.token ?? process.env.HF_TOKEN;
  for (const file of options.files) {
    const target = join(folder, file);
    if (existsSync(target)) continue;
    await downloadFile({
      url: hubFileUrl(options.hubUrl, options.repoId, options.revision, file),
      target,
      label: `${options.repoId} ${file}`,
      modelName: options.repoId,
      cacheFolder: folder,
      token,
      signal: options.signal,
      progressStream: options.progressStream,
      fetch: options.fetch,
    });
  }
  return folder;
}

/** `<hubUrl>/<repoId>/resolve/<revision>/<file>`: where the hub serves one file of a repository. */
export function hubFileUrl(hubUrl: string, repoId: string, revision: string, file: string): string {
  return `${hubUrl.replace(/\/+$/, '')}/${repoId}/resolve/${encodeURIComponent(revision)}/${file}`;
}
