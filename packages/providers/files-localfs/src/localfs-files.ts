import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type DeleteFileRequest,
  type DeleteFileResponse,
  DisposedError,
  type FileContent,
  type FileObject,
  FilePurpose,
  type Files,
  type ListFilesRequest,
  type ListFilesResponse,
  NotFoundError,
  PayloadTooLargeError,
  type ProviderLogger,
  type RequestOptions,
  type RetrieveFileContentRequest,
  type RetrieveFileRequest,
  type UploadFileRequest,
} from '@llama-stack-ts/core';
import { z } from 'zod';
import { isFileId, newFileId } from './file-id.js';
import type { LocalFsFilesConfig } from './localfs-config.js';
import { writeAtomically } from './write-atomically.js';

/** What `metadata/<id>.json` holds: the file object's fields, and the media type it was uploaded with. */
const StoredFile = z.object({
  id: z.string(),
  bytes: z.number().int().nonnegative(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable(),
  filename: z.string(),
  purpose: FilePurpose,
  content_type: z.string(),
});
type StoredFile = z.infer<typeof StoredFile>;

/**
 * Left-over temporary files and content without metadata older than this are removed when the
 * provider opens: younger ones may be an upload another process (a worker) is still writing.
 */
const abandonedAfterMs = 60 * 60 * 1000;

export interface LocalFsFilesOptions {
  config: LocalFsFilesConfig;
  /** The provider's data directory: `content/`, `metadata/` and `tmp/` live here. */
  dataDir: string;
  logger?: ProviderLogger | undefined;
  /** The clock expiry is measured by, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * OpenAI's Files API over a directory (`inline::localfs`). A file is `content/<id>` (its bytes) and
 * `metadata/<id>.json`; it exists once its metadata does. An upload streams to `tmp/`, is renamed
 * into `content/`, and only then is its metadata written (to `tmp/`, renamed into `metadata/`), so
 * a crash or a failed upload never leaves a file listed with part of its bytes. Every request reads
 * the directory, so files written by another process on the same data directory (a
 * `llama-stack-ts worker` writing a batch's output) are seen at once; metadata never changes once
 * written, so it is cached. An expired file answers 404 and is removed when it is next touched.
 */
export class LocalFsFiles implements Files, AsyncDisposable {
  readonly #options: LocalFsFilesOptions;
  readonly #now: () => number;
  readonly #contentDir: string;
  readonly #metadataDir: string;
  readonly #temporaryDir: string;
  readonly #cache = new Map<string, StoredFile>();
  #disposed = false;

  private constructor(options: LocalFsFilesOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#contentDir = join(options.dataDir, 'content');
    this.#metadataDir = join(options.dataDir, 'metadata');
    this.#temporaryDir = join(options.dataDir, 'tmp');
  }

  /** Opens the directory (files stored before a restart are there again) and clears what crashes left. */
  static async open(options: LocalFsFilesOptions): Promise<LocalFsFiles> {
    const files = new LocalFsFiles(options);
    await Promise.all(
      [files.#contentDir, files.#metadataDir, files.#temporaryDir].map((dir) =>
        mkdir(dir, { recursive: true }),
      ),
    );
    await files.#removeAbandoned();
    return files;
  }

  async uploadFile(
    { file, purpose, expires_after }: UploadFileRequest,
    options: RequestOptions = {},
  ): Promise<FileObject> {
    this.#guard();
    const { max_file_bytes: maxBytes } = this.#options.config;
    const id = newFileId();
    const content = this.#contentPath(id);
    try {
      const bytes = await writeAtomically(content, file.stream, {
        temporaryDir: this.#temporaryDir,
        maxBytes,
        tooLarge: () =>
          new PayloadTooLargeError(
            `The file '${file.filename}'`,
            maxBytes,
            'raise max_file_bytes in the files provider config (LLAMA_STACK_TS_FILES_MAX_BYTES in the shipped distributions)',
          ),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const createdAt = Math.floor(this.#now() / 1000);
      const stored: StoredFile = {
        id,
        bytes,
        created_at: createdAt,
        expires_at: expires_after ? createdAt + expires_after.seconds : null,
        filename: file.filename,
        purpose,
        content_type: file.content_type,
      };
      await writeAtomically(this.#metadataPath(id), `${JSON.stringify(stored)}\n`, {
        temporaryDir: this.#temporaryDir,
      });
      this.#cache.set(id, stored);
      this.#options.logger?.info('file stored', { id, bytes, purpose });
      return toFileObject(stored);
    } catch (error) {
      await rm(content, { force: true });
      throw error;
    }
  }

  async listFiles({ after, limit, order, purpose }: ListFilesRequest): Promise<ListFilesResponse> {
    this.#guard();
    const ids = (await readdir(this.#metadataDir))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter(isFileId)
      .sort();
    this.#forgetAllBut(ids);
    if (order === 'desc') ids.reverse();
    const following =
      after === undefined ? ids : ids.filter((id) => (order === 'asc' ? id > after : id < after));

    const page: StoredFile[] = [];
    let hasMore = false;
    for (const id of following) {
      const stored = await this.#live(id);
      if (!stored || (purpose !== undefined && stored.purpose !== purpose)) continue;
      if (page.length === limit) {
        hasMore = true;
        break;
      }
      page.push(stored);
    }
    return {
      object: 'list',
      data: page.map(toFileObject),
      has_more: hasMore,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    };
  }

  async retrieveFile({ file_id }: RetrieveFileRequest): Promise<FileObject> {
    this.#guard();
    return toFileObject(await this.#existing(file_id));
  }

  async deleteFile({ file_id }: DeleteFileRequest): Promise<DeleteFileResponse> {
    this.#guard();
    await this.#existing(file_id);
    await this.#remove(file_id);
    this.#options.logger?.info('file deleted', { id: file_id });
    return { id: file_id, object: 'file', deleted: true };
  }

  async retrieveFileContent(
    { file_id }: RetrieveFileContentRequest,
    options: RequestOptions = {},
  ): Promise<FileContent> {
    this.#guard();
    const stored = await this.#existing(file_id);
    const reader = createReadStream(this.#contentPath(file_id), {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // Opened before answering, so a file deleted in between is a 404, not a broken stream.
    await new Promise<void>((resolve, reject) => {
      reader.once('open', () => resolve());
      reader.once('error', (error) => reject(isMissing(error) ? notFound(file_id) : error));
    });
    return {
      filename: stored.filename,
      content_type: stored.content_type,
      bytes: stored.bytes,
      stream: Readable.toWeb(reader) as unknown as ReadableStream<Uint8Array>,
    };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** The stored file, or `NotFoundError` when there is none or it has expired (which removes it). */
  async #existing(fileId: string): Promise<StoredFile> {
    const stored = isFileId(fileId) ? await this.#live(fileId) : undefined;
    if (!stored) throw notFound(fileId);
    return stored;
  }

  /** The stored file when it exists and has not expired; an expired one is removed. */
  async #live(id: string): Promise<StoredFile | undefined> {
    const stored = await this.#read(id);
    if (stored?.expires_at != null && stored.expires_at * 1000 <= this.#now()) {
      await this.#remove(id);
      this.#options.logger?.info('file expired', { id });
      return undefined;
    }
    return stored;
  }

  async #read(id: string): Promise<StoredFile | undefined> {
    const cached = this.#cache.get(id);
    if (cached) {
      // Another process may have deleted it: the metadata file is the truth.
      if (await exists(this.#metadataPath(id))) return cached;
      this.#cache.delete(id);
      return undefined;
    }
    let text: string;
    try {
      text = await readFile(this.#metadataPath(id), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const parsed = StoredFile.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.id !== id) {
      throw new Error(
        `The metadata of file ${id} (${this.#metadataPath(id)}) is not what this provider writes; ` +
          'restore it from a backup, or delete it and the file content beside it.',
      );
    }
    this.#cache.set(id, parsed.data);
    return parsed.data;
  }

  /** Unlists the file first (its metadata), then frees its bytes. */
  async #remove(id: string): Promise<void> {
    this.#cache.delete(id);
    await rm(this.#metadataPath(id), { force: true });
    await rm(this.#contentPath(id), { force: true });
  }

  #forgetAllBut(ids: readonly string[]): void {
    const present = new Set(ids);
    for (const id of this.#cache.keys()) if (!present.has(id)) this.#cache.delete(id);
  }

  /** Temporary files and content without metadata that crashes left, once no upload can still own them. */
  async #removeAbandoned(): Promise<void> {
    const cutoff = this.#now() - abandonedAfterMs;
    const isOld = async (path: string) => {
      try {
        return (await stat(path)).mtimeMs < cutoff;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    };
    for (const name of await readdir(this.#temporaryDir)) {
      const path = join(this.#temporaryDir, name);
      if (await isOld(path)) await rm(path, { force: true });
    }
    for (const id of await readdir(this.#contentDir)) {
      const path = join(this.#contentDir, id);
      if (!(await exists(this.#metadataPath(id))) && (await isOld(path))) {
        await rm(path, { force: true });
        this.#options.logger?.warn('removed the content of an upload that never completed', { id });
      }
    }
  }

  #contentPath(id: string): string {
    return join(this.#contentDir, id);
  }

  #metadataPath(id: string): string {
    return join(this.#metadataDir, `${id}.json`);
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError('LocalFsFiles');
  }
}

function toFileObject({ content_type: _contentType, ...stored }: StoredFile): FileObject {
  return { ...stored, object: 'file', status: 'processed' };
}

function notFound(fileId: string): NotFoundError {
  return new NotFoundError('file', fileId, 'List the files with GET /v1/files.');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
