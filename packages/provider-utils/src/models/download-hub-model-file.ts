import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressStream } from '../progress-bar.js';
import { type DownloadFileResult, downloadFile } from './download-file.js';
import { hubFileUrl } from './download-hub-files.js';
import { ModelDownloadError } from './errors/model-download-error.js';
import { type HubFileReference, pickQuantFile } from './hub-file-reference.js';
import { hubCacheFolder } from './resolve-model-source.js';

export interface DownloadHubModelFileOptions {
  reference: HubFileReference;
  /** The hub's base URL, e.g. `https://huggingface.co` (a loopback server in tests). */
  hubUrl: string;
  cacheDir: string;
  /** Expected SHA-256; default: the hub's `X-Linked-Etag` of the file. */
  sha256?: string | undefined;
  /** Default: `HF_TOKEN` from the environment. */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
  progressStream?: ProgressStream | null | undefined;
  onProgress?: ((loaded: number, total: number | undefined) => void) | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}

/**
 * Where a hub file reference lives in the model cache (`<cacheDir>/<owner>/<repo>[/<revision>]/<file>`),
 * if it is there: for `:quant`, the matching GGUF already downloaded. Reads only the disk.
 */
export function cachedHubModelFile(reference: HubFileReference, cacheDir: string): string | undefined {
  const folder = hubCacheFolder(cacheDir, reference.repoId, reference.revision);
  if (reference.kind === 'file') {
    const path = join(folder, reference.file);
    return existsSync(path) ? path : undefined;
  }
  if (!existsSync(folder)) return undefined;
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' });
  const picked = pickQuantFile(files, reference.quant);
  return picked ? join(folder, picked) : undefined;
}

/**
 * Downloads the file a hub reference names into the model cache (resumable, checked against the
 * hub's SHA-256) and returns where it is. For `:quant`, lists the repository through the hub's
 * `/api/models/<repo>/revision/<revision>` to find the file first.
 */
export async function downloadHubModelFile(
  options: DownloadHubModelFileOptions,
): Promise<DownloadFileResult> {
  const { reference } = options;
  const token = options.token ?? process.env.HF_TOKEN;
  const folder = hubCacheFolder(options.cacheDir, reference.repoId, reference.revision);
  const file =
    reference.kind === 'file' ? reference.file : await findQuantFile(options, reference, folder, token);
  return downloadFile({
    url: hubFileUrl(options.hubUrl, reference.repoId, reference.revision, file),
    target: join(folder, file),
    label: `${reference.repoId} ${file}`,
    modelName: reference.repoId,
    cacheFolder: folder,
    sha256: options.sha256,
    hubChecksum: true,
    token,
    signal: options.signal,
    progressStream: options.progressStream,
    onProgress: options.onProgress,
    fetch: options.fetch,
  });
}

async function findQuantFile(
  options: DownloadHubModelFileOptions,
  reference: Extract<HubFileReference, { kind: 'quant' }>,
  folder: string,
  token: string | undefined,
): Promise<string> {
  const cached = cachedHubModelFile(reference, options.cacheDir);
  if (cached) return cached.slice(folder.length + 1);
  const url = `${options.hubUrl.replace(/\/+$/, '')}/api/models/${reference.repoId}/revision/${encodeURIComponent(reference.revision)}`;
  const fail = (reason: string, cause?: unknown) =>
    new ModelDownloadError({ repoId: reference.repoId, url, reason, cacheFolder: folder, cause });
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    throw fail((error as Error).message, error);
  }
  if (!response.ok) throw fail(`HTTP ${response.status} ${response.statusText} listing the repository`);
  const body = (await response.json().catch(() => undefined)) as
    | { siblings?: { rfilename?: unknown }[] }
    | undefined;
  const files = (body?.siblings ?? []).flatMap((sibling) =>
    typeof sibling.rfilename === 'string' ? [sibling.rfilename] : [],
  );
  const picked = pickQuantFile(files, reference.quant);
  if (!picked) {
    const ggufs = files.filter((name) => name.toLowerCase().endsWith('.gguf'));
    throw fail(
      `no GGUF file named with '${reference.quant}' in the repository (${ggufs.length > 0 ? `it has ${ggufs.join(', ')}` : 'it has no .gguf file'}); name the file: hf:${reference.repoId}/<file>.gguf`,
    );
  }
  return picked;
}
