import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isProcessAlive } from '../is-process-alive.js';
import type { ProgressStream } from '../progress-bar.js';
import { DownloadProgressBar } from './download-progress.js';
import { ModelChecksumError } from './errors/model-checksum-error.js';
import { ModelDownloadError } from './errors/model-download-error.js';

export interface DownloadFileOptions {
  url: string;
  /** The final path; the bytes go to `<target>.partial` first and are renamed once complete and checked. */
  target: string;
  /** What the progress bar and errors call it, e.g. `bartowski/Llama-3.2-1B-Instruct-GGUF Llama-3.2-1B-Instruct-Q4_K_M.gguf`. */
  label: string;
  /** The model the file belongs to, named in errors (a hub repository id or the URL). */
  modelName?: string | undefined;
  /** Named in errors as the place to put the file by hand. Default: the target's directory. */
  cacheFolder?: string | undefined;
  /** Expected SHA-256 (hex). When absent and `hubChecksum` is on, the hub's `X-Linked-Etag` is used. */
  sha256?: string | undefined;
  /**
   * Ask the hub for the file's SHA-256 first (a HEAD request that does not follow the redirect to the
   * CDN: the hub sends `X-Linked-Etag` for LFS files, `ETag` otherwise). Default false.
   */
  hubChecksum?: boolean | undefined;
  /** Sent as a bearer token (gated models); never logged. */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Where the progress bar is drawn; `null` draws none. Default `process.stderr`. */
  progressStream?: ProgressStream | null | undefined;
  /** Called with the bytes on disk and the total (when known) as the download goes. */
  onProgress?: ((loaded: number, total: number | undefined) => void) | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}

export interface DownloadFileResult {
  path: string;
  bytes: number;
  /** SHA-256 of the file (hex); undefined when the file was already there. */
  sha256: string | undefined;
  /** Bytes an earlier, interrupted download had left in `<target>.partial` and this one kept. */
  resumedFrom: number;
  /** Where the expected checksum came from, if one was checked. */
  verifiedWith: 'sha256' | 'etag' | undefined;
  /** False when the file was on disk already and nothing was fetched. */
  downloaded: boolean;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

/**
 * Downloads one file to `target` with a progress bar, resuming an interrupted download (an HTTP
 * Range request continues `<target>.partial`) and checking the SHA-256 (given, or the hub's LFS
 * ETag) before the file takes its final name, so a truncated or corrupt file is never taken for the
 * model. A file already at `target` is returned as it is. A lock file keeps two processes from
 * writing the same partial file: the second waits for the first and then finds the file.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadFileResult> {
  const { target, url } = options;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isFile()) return alreadyThere(target, existing.size);

  const fail = (reason: string, cause?: unknown): ModelDownloadError =>
    new ModelDownloadError({
      repoId: options.modelName ?? options.label,
      url,
      reason,
      cacheFolder: options.cacheFolder ?? dirname(target),
      cause,
    });
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const signal = options.signal;

  await mkdir(dirname(target), { recursive: true });
  const release = await acquireLock(`${target}.lock`, signal);
  try {
    // Another process may have finished the file while this one waited for the lock.
    const finished = await stat(target).catch(() => undefined);
    if (finished?.isFile()) return alreadyThere(target, finished.size);

    let expected = options.sha256?.toLowerCase();
    let verifiedWith: DownloadFileResult['verifiedWith'] = expected ? 'sha256' : undefined;
    if (expected !== undefined && !sha256Pattern.test(expected)) {
      throw fail(`the expected sha256 '${options.sha256}' is not 64 hexadecimal digits`);
    }
    if (!expected && options.hubChecksum) {
      expected = await hubSha256(url, headers, fetchImplementation, signal, fail);
      if (expected) verifiedWith = 'etag';
    }

    const partial = `${target}.partial`;
    let offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
    let response = await get(url, offset, headers, fetchImplementation, signal, fail);
    if (response.status === 416 && offset > 0) {
      // The partial file is as long as (or longer than) the file: start over rather than guess.
      await response.body?.cancel();
      await rm(partial, { force: true });
      offset = 0;
      response = await get(url, 0, headers, fetchImplementation, signal, fail);
    }
    if (!response.ok || !response.body) throw fail(httpReason(response));
    const resumed = response.status === 206 && offset > 0;
    if (response.status === 206 && !contentRangeStartsAt(response.headers.get('content-range'), offset)) {
      await response.body.cancel();
      throw fail(
        `the server answered the range request from byte ${offset} with '${response.headers.get('content-range')}'`,
      );
    }
    if (!resumed) offset = 0;

    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader ? offset + Number(lengthHeader) : undefined;
    const hash = createHash('sha256');
    if (resumed) await hashFile(partial, hash);
    const bar =
      options.progressStream === null
        ? undefined
        : new DownloadProgressBar({
            label: resumed ? `${options.label} (resuming)` : options.label,
            ...(options.progressStream ? { stream: options.progressStream } : {}),
          });
    let loaded = offset;
    bar?.update(loaded, total);
    options.onProgress?.(loaded, total);
    try {
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        loaded += chunk.length;
        hash.update(chunk);
        bar?.update(loaded, total);
        options.onProgress?.(loaded, total);
      });
      await pipeline(body, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }), {
        signal: signal ?? new AbortController().signal,
      });
    } catch (error) {
      // The partial file stays: the next attempt resumes from where this one stopped.
      bar?.finish(true);
      if (signal?.aborted) throw signal.reason ?? error;
      throw fail(
        `${(error as Error).message} (kept ${loaded} bytes in ${partial}; trying again resumes)`,
        error,
      );
    }
    if (total !== undefined && loaded !== total) {
      bar?.finish(true);
      throw fail(`the download ended after ${loaded} of ${total} bytes (trying again resumes)`);
    }
    const actual = hash.digest('hex');
    if (expected && actual !== expected) {
      bar?.finish(true);
      // A corrupt partial file would fail again on resume: throw it away.
      await rm(partial, { force: true });
      throw new ModelChecksumError({ url, path: target, expected, actual, source: verifiedWith ?? 'sha256' });
    }
    await rename(partial, target);
    bar?.finish();
    return {
      path: target,
      bytes: loaded,
      sha256: actual,
      resumedFrom: resumed ? offset : 0,
      verifiedWith,
      downloaded: true,
    };
  } finally {
    await release();
  }
}

function alreadyThere(path: string, bytes: number): DownloadFileResult {
  return { path, bytes, sha256: undefined, resumedFrom: 0, verifiedWith: undefined, downloaded: false };
}

async function get(
  url: string,
  offset: number,
  headers: Record<string, string>,
  fetchImplementation: typeof globalThis.fetch,
  signal: AbortSignal | undefined,
  fail: (reason: string, cause?: unknown) => ModelDownloadError,
): Promise<Response> {
  try {
    return await fetchImplementation(url, {
      headers: offset > 0 ? { ...headers, range: `bytes=${offset}-` } : headers,
      signal: signal ?? null,
      redirect: 'follow',
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    throw fail((error as Error).message, error);
  }
}

/** The SHA-256 the hub publishes for a file, from the response to a HEAD request that is not redirected. */
async function hubSha256(
  url: string,
  headers: Record<string, string>,
  fetchImplementation: typeof globalThis.fetch,
  signal: AbortSignal | undefined,
  fail: (reason: string, cause?: unknown) => ModelDownloadError,
): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetchImplementation(url, {
      method: 'HEAD',
      headers: { ...headers, 'accept-encoding': 'identity' },
      signal: signal ?? null,
      redirect: 'manual',
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    throw fail((error as Error).message, error);
  }
  if (response.status === 404 || response.status === 401 || response.status === 403) {
    throw fail(httpReason(response));
  }
  const etag = response.headers.get('x-linked-etag') ?? response.headers.get('etag');
  const value = etag?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
  // A git blob's ETag is a 40-digit SHA-1 of the blob, not of the content: only a SHA-256 is usable.
  return value && sha256Pattern.test(value) ? value : undefined;
}

function httpReason(response: Response): string {
  const hint =
    response.status === 401 || response.status === 403
      ? ' (a gated or private model: set HF_TOKEN)'
      : response.status === 404
        ? ' (no such model or file)'
        : '';
  return `HTTP ${response.status} ${response.statusText}${hint}`;
}

function contentRangeStartsAt(header: string | null, offset: number): boolean {
  const match = header?.match(/^bytes (\d+)-/);
  return match !== undefined && match !== null && Number(match[1]) === offset;
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/**
 * Takes `<target>.lock` (holding this process's pid), waiting while a live process holds it; a lock
 * left by a process that died is taken over.
 */
async function acquireLock(lock: string, signal: AbortSignal | undefined): Promise<() => Promise<void>> {
  const token = `${process.pid} ${Math.random().toString(36).slice(2)}`;
  for (;;) {
    signal?.throwIfAborted();
    try {
      await writeFile(lock, token, { flag: 'wx' });
      return async () => {
        const holder = await readFile(lock, 'utf8').catch(() => undefined);
        if (holder === token) await rm(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readFile(lock, 'utf8').catch(() => undefined);
    const pid = Number(holder?.split(' ')[0]);
    if (holder !== undefined && !isProcessAlive(pid)) {
      await rm(lock, { force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
