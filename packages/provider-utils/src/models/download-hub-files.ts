import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DownloadProgressBar, type ProgressStream } from './download-progress.js';
import { ModelDownloadError } from './errors/model-download-error.js';
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
 * from `<hubUrl>/<repoId>/resolve/<revision>/<file>` with a progress bar, and returns the folder.
 * Each file is written under a temporary name and renamed when complete, so an interrupted download
 * never leaves a truncated file that a later start would take for the model.
 */
export async function downloadHubFiles(options: DownloadHubFilesOptions): Promise<string> {
  const folder = hubCacheFolder(options.cacheDir, options.repoId, options.revision);
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const token = options.token ?? process.env.HF_TOKEN;
  for (const file of options.files) {
    const target = join(folder, file);
    if (existsSync(target)) continue;
    const url = `${options.hubUrl.replace(/\/+$/, '')}/${options.repoId}/resolve/${encodeURIComponent(options.revision)}/${file}`;
    const fail = (reason: string, cause?: unknown): ModelDownloadError =>
      new ModelDownloadError({ repoId: options.repoId, url, reason, cacheFolder: folder, cause });

    let response: Response;
    try {
      response = await fetchImplementation(url, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: options.signal ?? null,
        redirect: 'follow',
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      throw fail((error as Error).message, error);
    }
    if (!response.ok || !response.body) {
      const hint =
        response.status === 401 || response.status === 403
          ? ' (a gated or private model: set HF_TOKEN)'
          : response.status === 404
            ? ' (no such model or file)'
            : '';
      throw fail(`HTTP ${response.status} ${response.statusText}${hint}`);
    }

    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader ? Number(lengthHeader) : undefined;
    const bar =
      options.progressStream === null
        ? undefined
        : new DownloadProgressBar({
            label: `${options.repoId} ${file}`,
            ...(options.progressStream ? { stream: options.progressStream } : {}),
          });
    const partial = `${target}.${process.pid}.part`;
    await mkdir(dirname(target), { recursive: true });
    let loaded = 0;
    bar?.update(0, total);
    try {
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        loaded += chunk.length;
        bar?.update(loaded, total);
      });
      await pipeline(body, createWriteStream(partial), {
        signal: options.signal ?? new AbortController().signal,
      });
      if (total !== undefined && loaded !== total) {
        throw fail(`the download ended after ${loaded} of ${total} bytes`);
      }
      await rename(partial, target);
      bar?.finish();
    } catch (error) {
      bar?.finish(true);
      await rm(partial, { force: true });
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (error instanceof ModelDownloadError) throw error;
      throw fail((error as Error).message, error);
    }
  }
  return folder;
}
