import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  ConflictError,
  type CreateDatasetRequest,
  type Dataset,
  type DatasetRow,
  type Datasets,
  type DeleteDatasetRequest,
  DependencyUnavailableError,
  DisposedError,
  type GetDatasetRequest,
  InvalidRequestError,
  type IterateRowsRequest,
  type IterrowsRequest,
  type IterrowsResponse,
  NotFoundError,
  type ProviderLogger,
  type RequestOptions,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import { openUserUrl, resolveUserFile } from '@llama-stack-ts/provider-utils/url-fetch';
import { type ContentFormat, contentFormatExtensions, contentFormatOf } from './content/content-format.js';
import { readRecords } from './content/read-records.js';
import { DatasetRegistry, type StoredDataset } from './dataset-registry.js';
import type { LocalFsDatasetsConfig } from './localfs-config.js';
import { checkRow } from './rows/check-row.js';
import { RowProblem } from './rows/row-problem.js';

const providerType = 'inline::localfs';
const contentField = 'dataset.content_url';

export interface LocalFsDatasetsOptions {
  config: LocalFsDatasetsConfig;
  /** The provider's data directory: the registry and the copies of downloaded content live here. */
  dataDir: string;
  /** The distribution's `url_fetch:` policy for `content_url`s; without one, only data: URLs can be read. */
  urlPolicy: UrlPolicy | undefined;
  logger?: ProviderLogger | undefined;
}

/** A content ready to read: a local file, and whether it is this provider's copy (still temporary). */
interface OpenedContent {
  path: string;
  format: ContentFormat;
  temporaryCopy: boolean;
}

/**
 * Datasets on the local file system (`inline::localfs`). A dataset's rows stay where its
 * `content_url` points for `file://` (inside `url_fetch.file_roots`), and are copied into the data
 * directory for `http(s)://` and `data:` URLs, so they stay readable. Creating one reads every row
 * once and checks it against the columns' types; rows are then read back as streams, page by page
 * (`iterrows`) or all in order (`iterateRows`), never loaded whole.
 */
export class LocalFsDatasets implements Datasets, AsyncDisposable {
  readonly #options: LocalFsDatasetsOptions;
  readonly #registry: DatasetRegistry;
  readonly #contentDir: string;
  #disposed = false;

  private constructor(options: LocalFsDatasetsOptions, registry: DatasetRegistry) {
    this.#options = options;
    this.#registry = registry;
    this.#contentDir = join(options.dataDir, 'content');
  }

  /** Opens the registry in `dataDir` (datasets created before a restart are there again). */
  static async open(options: LocalFsDatasetsOptions): Promise<LocalFsDatasets> {
    await mkdir(join(options.dataDir, 'content'), { recursive: true });
    const registry = await DatasetRegistry.open(join(options.dataDir, 'datasets.json'));
    return new LocalFsDatasets(options, registry);
  }

  get size(): number {
    return this.#registry.size;
  }

  async createDataset({ uuid, dataset }: CreateDatasetRequest, options: RequestOptions = {}): Promise<void> {
    this.#guard();
    const release = this.#registry.reserve(uuid);
    let content: OpenedContent | undefined;
    let copy: string | null = null;
    try {
      content = await this.#openContent(dataset.content_url, options.signal);
      const rowCount = await this.#checkRows(content, dataset, options.signal);
      if (content.temporaryCopy) {
        const name = `${createHash('sha256').update(uuid).digest('hex').slice(0, 32)}${contentFormatExtensions[content.format]}`;
        await rename(content.path, join(this.#contentDir, name));
        copy = name;
      }
      await this.#registry.add({
        uuid,
        dataset,
        format: content.format,
        copy,
        row_count: rowCount,
        created_at: new Date().toISOString(),
      });
      this.#options.logger?.info('dataset created', { uuid, format: content.format, rows: rowCount });
    } catch (error) {
      if (content?.temporaryCopy)
        await rm(copy ? join(this.#contentDir, copy) : content.path, { force: true });
      throw error;
    } finally {
      release();
    }
  }

  async getDataset({ dataset_id }: GetDatasetRequest): Promise<Dataset> {
    this.#guard();
    return this.#stored(dataset_id).dataset;
  }

  async deleteDataset({ dataset_id }: DeleteDatasetRequest): Promise<void> {
    this.#guard();
    const removed = await this.#registry.remove(dataset_id);
    if (!removed) throw unknownDataset(dataset_id);
    if (removed.copy) await rm(join(this.#contentDir, removed.copy), { force: true });
  }

  async iterrows(
    { dataset_id, start_index, limit }: IterrowsRequest,
    options: RequestOptions = {},
  ): Promise<IterrowsResponse> {
    const data: DatasetRow[] = [];
    // One row past the page tells whether another page follows.
    const rows = this.#rows(this.#stored(dataset_id), start_index, start_index + limit + 1, options.signal);
    for await (const row of rows) {
      data.push(row);
      if (data.length > limit) break;
    }
    const hasMore = data.length > limit;
    return { data: data.slice(0, limit), next_start_index: hasMore ? start_index + limit : null };
  }

  iterateRows(request: IterateRowsRequest, options: RequestOptions = {}): AsyncIterable<DatasetRow> {
    const startIndex = request.start_index ?? 0;
    if (!Number.isInteger(startIndex) || startIndex < 0) {
      throw new InvalidRequestError('start_index', `must be a whole number from 0, not ${startIndex}`);
    }
    return this.#rows(this.#stored(request.dataset_id), startIndex, undefined, options.signal);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError(`The ${providerType} datasets provider`);
  }

  #stored(datasetId: string): StoredDataset {
    this.#guard();
    const stored = this.#registry.get(datasetId);
    if (!stored) throw unknownDataset(datasetId);
    return stored;
  }

  /** The rows of a stored dataset from `startIndex`; a row that no longer fits its columns is a 409. */
  async *#rows(
    stored: StoredDataset,
    startIndex: number,
    endIndex: number | undefined,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<DatasetRow> {
    const path = stored.copy
      ? join(this.#contentDir, stored.copy)
      : (
          await resolveUserFile(stored.dataset.content_url, {
            policy: this.#options.urlPolicy,
            field: `content_url of dataset '${stored.uuid}'`,
          })
        ).path;
    const { columns } = stored.dataset;
    try {
      for await (const record of readRecords(path, stored.format, Object.keys(columns), {
        startIndex,
        endIndex,
        signal,
      })) {
        yield checkRow(record, columns, stored.format);
      }
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      throw new ConflictError(
        `Dataset '${stored.uuid}': ${error.message}. Its content (${stored.dataset.content_url}) changed since the ` +
          'dataset was created; restore it, or delete the dataset and create it again.',
      );
    }
  }

  /** Reads every row once, checking it; answers how many there are. A bad row is a 400 naming it. */
  async #checkRows(
    content: OpenedContent,
    dataset: Dataset,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    let count = 0;
    try {
      const records = readRecords(content.path, content.format, Object.keys(dataset.columns), {
        startIndex: 0,
        signal,
      });
      for await (const record of records) {
        checkRow(record, dataset.columns, content.format);
        count++;
      }
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      throw new InvalidRequestError(
        contentField,
        `${error.message}; fix the content (or the column's type) and create the dataset again`,
      );
    }
    return count;
  }

  /**
   * Opens a `content_url` through `openUserUrl`: a `file://` is read where it is; http(s) and data:
   * content is copied to a temporary file in the content directory (within `max_content_bytes`
   * and, for http(s), `fetch_timeout_ms`).
   */
  async #openContent(url: string, signal: AbortSignal | undefined): Promise<OpenedContent> {
    const { config, urlPolicy } = this.#options;
    const isFile = /^file:/i.test(url);
    const timeout = AbortSignal.timeout(config.fetch_timeout_ms);
    const downloadSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const temporary = join(this.#contentDir, `.download-${randomUUID()}`);
    try {
      const opened = await openUserUrl(url, {
        policy: urlPolicy,
        field: contentField,
        signal: isFile ? signal : downloadSignal,
        maxBytes: isFile ? undefined : config.max_content_bytes,
        maxBytesHint: `raise max_content_bytes in the ${providerType} config`,
        provider: providerType,
      });
      const format = contentFormatOf(opened);
      if (!format) {
        opened.body.destroy();
        throw new InvalidRequestError(
          contentField,
          `says neither by its file name nor by its media type (${opened.mediaType ?? 'none'}) that it is JSONL, JSON, CSV or Parquet; ` +
            'end the file name with .jsonl, .json, .csv or .parquet, or serve it as application/jsonl, application/json, ' +
            'text/csv or application/vnd.apache.parquet',
        );
      }
      if (opened.path) {
        opened.body.destroy();
        return { path: opened.path, format, temporaryCopy: false };
      }
      await pipeline(opened.body, createWriteStream(temporary));
      return { path: temporary, format, temporaryCopy: true };
    } catch (error) {
      await rm(temporary, { force: true });
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted && !isFile) {
        throw new DependencyUnavailableError(
          providerType,
          url,
          new Error(`no complete answer within ${config.fetch_timeout_ms} ms (fetch_timeout_ms)`),
        );
      }
      throw error;
    }
  }
}

function unknownDataset(datasetId: string): NotFoundError {
  return new NotFoundError('dataset', datasetId, 'Create it with POST /datasets/create.');
}
