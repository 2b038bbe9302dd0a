import type { Table } from '@lancedb/lancedb';
import {
  ConflictError,
  type Content,
  type CreateMemoryBankRequest,
  type DeleteDocumentsRequest,
  DisposedError,
  type DropMemoryBankRequest,
  type GetDocumentsRequest,
  type InsertDocumentsRequest,
  InvalidRequestError,
  type ListMemoryBanksResponse,
  type MemoryBankDocument,
  type MemoryBankRegistration,
  type MemoryBanks,
  type MemoryChunk,
  type MemoryQueryParams,
  NotFoundError,
  type ProviderLogger,
  type QueryDocumentsRequest,
  type QueryDocumentsResponse,
  type RequestOptions,
  type UpdateDocumentsRequest,
} from '@llama-stack-ts/core';
import {
  type PreparedChunk,
  type PreparedDocument,
  prepareDocuments,
} from './documents/prepare-documents.js';
import { type Embedder, embedTexts } from './embed-texts.js';
import type { LanceDbMemoryConfig } from './lancedb-config.js';
import { reciprocalRankFusion } from './search/reciprocal-rank-fusion.js';
import {
  type BankRecord,
  type ChunkRow,
  chunksSchema,
  type DocumentRow,
  documentsSchema,
  sha256,
  tableKeyOf,
} from './storage/bank-tables.js';
import { KeyedMutex } from './storage/keyed-mutex.js';
import { type BankTables, LanceDbBankStore, toArrowRows } from './storage/lancedb-bank-store.js';
import { retryCommitConflicts } from './storage/retry-commit-conflicts.js';
import { sqlIn } from './storage/sql-literal.js';
import {
  buildVectorIndex,
  readVectorIndexState,
  useVectorIndex,
  type VectorIndexState,
  vectorIndexBuildDue,
} from './storage/vector-index.js';
import { settleAll, writeAtomically } from './storage/write-atomically.js';

export interface LanceDbMemoryBanksOptions {
  config: LanceDbMemoryConfig;
  /** Where the banks live: `config.uri`, or the default under the provider's data directory. */
  uri: string;
  embedder: Embedder;
  logger?: ProviderLogger | undefined;
}

/** A bank whose tables are open. */
interface OpenBank {
  record: BankRecord;
  tables: BankTables;
  /** Reindexes since the documents table was last compacted; it is every `documentsCompactionEvery`. */
  reindexesSinceDocumentsCompaction: number;
  vectorIndex: VectorIndexState;
  /** The vector index build in progress (status: `building`), if any; a drop or dispose waits for it. */
  vectorIndexBuild?: Promise<void> | undefined;
  /** Set once the bank is dropped or the provider disposed: a build in progress stops at its next step. */
  closed: boolean;
  /** A reindex is queued behind the writes and has not started: the next write needs none of its own. */
  reindexQueued: boolean;
  /** Writes since the last reindex started; at `reindexAfterWrites` the next one starts at once. */
  writesSinceReindex: number;
  /** Starts the reindex once writes pause for `reindexDelayMs`. */
  reindexTimer?: NodeJS.Timeout | undefined;
  /** Settles once the last queued reindex has run; keyword searches wait for it. */
  reindexed: Promise<void>;
}

/** A bank just opened or created: nothing written through it yet, no reindex or build under way. */
function openBank(record: BankRecord, tables: BankTables, vectorIndex: VectorIndexState): OpenBank {
  return {
    record,
    tables,
    reindexesSinceDocumentsCompaction: 0,
    vectorIndex,
    closed: false,
    reindexQueued: false,
    writesSinceReindex: 0,
    reindexed: Promise.resolve(),
  };
}

/** What `vectorIndexStatus` reports of one bank. */
export interface VectorIndexStatus {
  chunk_count: number;
  /** The index type in use once the bank has `min_chunks` chunks; `exact` below that or without one. */
  search: 'exact' | 'ivf_pq' | 'ivf_hnsw_sq';
  indexed: boolean;
  building: boolean;
  trained_rows: number;
}

interface ScoredRow {
  row: Record<string, unknown>;
  score: number;
}

/** LanceDB's default name for the index on `text`. */
const fullTextIndexName = 'text_idx';
const returnedColumns = ['document_id', 'chunk_index', 'text', 'token_count', 'metadata'];
const hint = 'Create it with POST /memory_banks/create, or list banks with GET /memory_banks/get.';

/**
 * Memory banks in LanceDB. Documents are read (inline, data:, http(s), file://), converted to text,
 * chunked, embedded through the Inference API and stored with a full-text index; queries search by
 * vector, by keyword or both fused.
 *
 * Writes to one bank run one at a time (in this process), and each lands whole or not at all:
 * documents are read and embedded before anything is written, and a failed write restores the
 * tables it touched. Reads run alongside writes and see the last completed write.
 */
export class LanceDbMemoryBanks implements MemoryBanks, AsyncDisposable {
  private readonly openBanks = new Map<string, Promise<OpenBank | undefined>>();
  private readonly writes = new KeyedMutex();
  private readonly vectorIndexBuilds = new Set<Promise<void>>();
  private disposed = false;

  private constructor(
    private readonly store: LanceDbBankStore,
    private readonly options: LanceDbMemoryBanksOptions,
  ) {}

  static async create(options: LanceDbMemoryBanksOptions): Promise<LanceDbMemoryBanks> {
    const store = await LanceDbBankStore.open({
      uri: options.uri,
      storageOptions: options.config.storage_options,
    });
    return new LanceDbMemoryBanks(store, options);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  // ---------------------------------------------------------------------------------------------
  // Banks

  async createMemoryBank(request: CreateMemoryBankRequest, options: RequestOptions = {}): Promise<void> {
    this.guard();
    const { config } = this.options;
    const embeddingModel = request.embedding_model ?? config.embedding_model;
    if (!embeddingModel) {
      throw new InvalidRequestError(
        'embedding_model',
        'required: name a registered embedding model, or set embedding_model in the inline::lancedb provider config',
      );
    }
    const chunkSizeInTokens = request.chunk_size_in_tokens ?? config.chunk_size_in_tokens;
    const overlapSizeInTokens =
      request.overlap_size_in_tokens ??
      (config.overlap_size_in_tokens < chunkSizeInTokens
        ? config.overlap_size_in_tokens
        : Math.floor(chunkSizeInTokens / 4));
    if (overlapSizeInTokens >= chunkSizeInTokens) {
      throw new InvalidRequestError(
        'overlap_size_in_tokens',
        `must be smaller than chunk_size_in_tokens (${chunkSizeInTokens})`,
      );
    }

    await this.writes.run(request.bank_uuid, async () => {
      if (await this.store.findBank(request.bank_uuid)) {
        throw new ConflictError(
          `Memory bank '${request.bank_uuid}' already exists; drop it first (DELETE /memory_banks/drop) or pick another bank_uuid.`,
          { field: 'bank_uuid' },
        );
      }
      const settings = { embeddingModel, chunkSizeInTokens, overlapSizeInTokens };
      const prepared = await prepareDocuments(
        request.documents,
        this.prepareOptions(settings, options.signal),
      );
      const chunks = prepared.flatMap((document) => document.chunks);
      // A bank with no text yet still needs its vector dimension: one probe embedding gives it
      // (and checks that the model exists before the bank does).
      const probe =
        chunks.length === 0 ? [{ text: request.bank_name, textHash: sha256(request.bank_name) }] : [];
      const vectors = await this.embedUnique(
        embeddingModel,
        [...chunks, ...probe],
        undefined,
        undefined,
        options.signal,
      );
      const dimension = vectors.values().next().value?.length;
      if (!dimension) throw new Error('unreachable: at least one text was embedded');

      const record: BankRecord = {
        uuid: request.bank_uuid,
        name: request.bank_name,
        embeddingModel,
        embeddingDimension: dimension,
        chunkSizeInTokens,
        overlapSizeInTokens,
        tableKey: tableKeyOf(request.bank_uuid),
        createdAt: new Date().toISOString(),
      };
      const tables = await this.store.createBankTables(record);
      try {
        await this.addDocuments(tables, record, prepared, vectors);
        await this.store.registerBank(record);
      } catch (error) {
        tables.documents.close();
        tables.chunks.close();
        await this.store.dropBankTables(record).catch(() => undefined);
        throw error;
      }
      const bank = openBank(record, tables, { chunkCount: 0, indexed: false, trainedRows: 0 });
      await this.reindex(bank);
      this.openBanks.set(record.uuid, Promise.resolve(bank));
    });
  }

  async listMemoryBanks(
    _request: Record<string, never> = {},
    _options?: RequestOptions,
  ): Promise<ListMemoryBanksResponse> {
    this.guard();
    const banks = await this.store.listBanks();
    return banks.map((record) => ({
      uuid: record.uuid,
      name: record.name,
      embedding_model: record.embeddingModel,
      chunk_size_in_tokens: record.chunkSizeInTokens,
      overlap_size_in_tokens: record.overlapSizeInTokens,
    }));
  }

  async dropMemoryBank(request: DropMemoryBankRequest, _options?: RequestOptions): Promise<string> {
    this.guard();
    return this.writes.run(request.bank_uuid, async () => {
      const record = await this.store.findBank(request.bank_uuid);
      if (!record) throw new NotFoundError('memory bank', request.bank_uuid, hint);
      const open = await this.openBanks.get(request.bank_uuid);
      this.openBanks.delete(request.bank_uuid);
      await this.store.unregisterBank(record.uuid);
      if (open) open.closed = true;
      // LanceDB cannot cancel an index build; the tables go once it has stopped writing to them.
      await open?.vectorIndexBuild;
      open?.tables.documents.close();
      open?.tables.chunks.close();
      await this.store.dropBankTables(record);
      return record.uuid;
    });
  }

  /** Creates the banks a manifest registers, unless they already exist (they survive restarts). */
  async registerMemoryBank(entry: MemoryBankRegistration, options: RequestOptions = {}): Promise<void> {
    const existing = await this.store.findBank(entry.memory_bank_id);
    if (existing) {
      if (entry.embedding_model && entry.embedding_model !== existing.embeddingModel) {
        this.options.logger?.warn(
          `memory bank '${entry.memory_bank_id}' keeps embedding model '${existing.embeddingModel}' it was created with; the manifest names '${entry.embedding_model}' (drop the bank to re-index it)`,
        );
      }
      return;
    }
    const integer = (value: unknown) =>
      typeof value === 'number' && Number.isInteger(value) ? value : undefined;
    await this.createMemoryBank(
      {
        bank_uuid: entry.memory_bank_id,
        bank_name: entry.name ?? entry.memory_bank_id,
        embedding_model: entry.embedding_model,
        chunk_size_in_tokens: integer(entry.params.chunk_size_in_tokens),
        overlap_size_in_tokens: integer(entry.params.overlap_size_in_tokens),
        documents: [],
      },
      options,
    ).catch((error: unknown) => {
      // Another request created it in between: that is what was asked for.
      if (error instanceof ConflictError) return;
      throw error;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Documents

  async insertDocuments(request: InsertDocumentsRequest, options: RequestOptions = {}): Promise<void> {
    this.guard();
    const bank = await this.requireBank(request.bank_uuid);
    // The lookup of stored uuids (a few milliseconds) runs while the documents are read, chunked
    // and embedded, and again under the write lock only if a write to the documents came in
    // between. A uuid already stored stops the embedding and answers 409, as it would have first.
    const refused = new AbortController();
    const checked = this.refuseExisting(bank, request.documents);
    checked.catch(() => refused.abort());
    const signal = options.signal ? AbortSignal.any([options.signal, refused.signal]) : refused.signal;
    const embedded = (async () => {
      const prepared = await prepareDocuments(request.documents, this.prepareOptions(bank.record, signal));
      const vectors = await this.embedUnique(
        bank.record.embeddingModel,
        prepared.flatMap((document) => document.chunks),
        bank.record,
        undefined,
        signal,
      );
      return { prepared, vectors };
    })();
    const [checkedVersion, { prepared, vectors }] = await Promise.all([
      checked,
      embedded.catch(async (error: unknown) => {
        await checked;
        throw error;
      }),
    ]);
    await this.writes.run(bank.record.uuid, async () => {
      await this.requireSameBank(bank);
      if ((await bank.tables.documents.version()) !== checkedVersion) {
        await this.refuseExisting(bank, request.documents);
      }
      await this.addDocuments(bank.tables, bank.record, prepared, vectors);
      this.scheduleReindex(bank);
    });
  }

  async updateDocuments(request: UpdateDocumentsRequest, options: RequestOptions = {}): Promise<void> {
    this.guard();
    const bank = await this.requireBank(request.bank_uuid);
    const uuids = request.documents.map((document) => document.uuid);
    await this.storedDocuments(bank, uuids, true);
    const prepared = await prepareDocuments(
      request.documents,
      this.prepareOptions(bank.record, options.signal),
    );

    // Only chunk texts the bank has not embedded for these documents go to the model.
    const known = await this.storedVectors(bank, uuids);
    const vectors = await this.embedUnique(
      bank.record.embeddingModel,
      prepared.flatMap((document) => document.chunks),
      bank.record,
      known,
      options.signal,
    );

    await this.writes.run(bank.record.uuid, async () => {
      await this.requireSameBank(bank);
      const stored = await this.storedDocuments(bank, uuids, true);
      const changed = prepared.filter((document) => {
        const row = stored.get(document.document.uuid)!;
        return (
          row.text_hash !== document.textHash ||
          row.metadata !== JSON.stringify(document.document.metadata) ||
          row.mime_type !== document.document.mime_type ||
          row.content !== document.document.content
        );
      });
      if (changed.length === 0) return;
      const changedIds = changed.map((document) => document.document.uuid);
      const chunkRows = changed.flatMap((document) => toChunkRows(document, vectors));
      const { documents, chunks } = bank.tables;
      await writeAtomically([chunks, documents], async () => {
        if (chunkRows.length === 0) {
          await chunks.delete(sqlIn('document_id', changedIds));
        } else {
          // One commit: rewrites the chunks of the changed documents, drops the ones they no longer have.
          await chunks
            .mergeInsert(['document_id', 'chunk_index'])
            .whenMatchedUpdateAll()
            .whenNotMatchedInsertAll()
            .whenNotMatchedBySourceDelete({ where: sqlIn('document_id', changedIds) })
            .execute(toArrowRows(chunkRows, chunksSchema(bank.record.embeddingDimension)));
        }
        await documents
          .mergeInsert('uuid')
          .whenMatchedUpdateAll()
          .execute(toArrowRows(changed.map(toDocumentRow), documentsSchema));
      });
      this.scheduleReindex(bank);
    });
  }

  async getDocuments(request: GetDocumentsRequest, _options?: RequestOptions): Promise<MemoryBankDocument[]> {
    this.guard();
    const bank = await this.requireBank(request.bank_uuid);
    const stored = await this.storedDocuments(bank, request.document_uuids, true);
    return request.document_uuids.map((uuid) => {
      const row = stored.get(uuid)!;
      return {
        uuid: row.uuid,
        content: row.content,
        metadata: JSON.parse(row.metadata) as Record<string, unknown>,
        mime_type: row.mime_type,
      };
    });
  }

  async deleteDocuments(request: DeleteDocumentsRequest, _options?: RequestOptions): Promise<string[]> {
    this.guard();
    const bank = await this.requireBank(request.bank_uuid);
    return this.writes.run(bank.record.uuid, async () => {
      await this.requireSameBank(bank);
      const stored = await this.storedDocuments(bank, request.document_uuids, false);
      const deleted = [...new Set(request.document_uuids)].filter((uuid) => stored.has(uuid));
      if (deleted.length === 0) return [];
      const { documents, chunks } = bank.tables;
      await writeAtomically([chunks, documents], async () => {
        await chunks.delete(sqlIn('document_id', deleted));
        await documents.delete(sqlIn('uuid', deleted));
      });
      this.scheduleReindex(bank);
      return deleted;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Query

  async queryDocuments(
    request: QueryDocumentsRequest,
    options: RequestOptions = {},
  ): Promise<QueryDocumentsResponse> {
    this.guard();
    const bank = await this.requireBank(request.bank_uuid);
    const text = queryText(request.query);
    const params: MemoryQueryParams = request.params;
    const limit = params.max_chunks;

    let where: string | undefined;
    let candidateChunks = bank.vectorIndex.chunkCount;
    if (params.filters && Object.keys(params.filters).length > 0) {
      const matching = await this.documentsMatching(bank, params.filters);
      if (matching.length === 0) return { chunks: [], scores: [] };
      where = sqlIn(
        'document_id',
        matching.map((document) => document.uuid),
      );
      candidateChunks = matching.reduce((sum, document) => sum + document.chunkCount, 0);
    }
    const search = { where, candidateChunks };

    let results: ScoredRow[];
    if (params.mode === 'vector') {
      results = await this.vectorSearch(bank, text, limit, search, options.signal);
    } else if (params.mode === 'keyword') {
      results = await this.keywordSearch(bank, text, limit, where);
    } else {
      // Each list reaches deeper than the answer, so a chunk ranked well by one and fairly by the
      // other can still come out on top.
      const depth = Math.max(limit * 4, 40);
      const [byVector, byKeyword] = await Promise.all([
        this.vectorSearch(bank, text, depth, search, options.signal),
        this.keywordSearch(bank, text, depth, where),
      ]);
      const rows = new Map<string, Record<string, unknown>>();
      const keys = (list: ScoredRow[]) =>
        list.map(({ row }) => {
          const key = `${String(row.document_id)}\u0000${Number(row.chunk_index)}`;
          rows.set(key, row);
          return key;
        });
      results = reciprocalRankFusion([keys(byVector), keys(byKeyword)]).map(({ key, score }) => ({
        row: rows.get(key)!,
        score,
      }));
    }

    const threshold = params.score_threshold;
    const kept = results.filter(({ score }) => threshold === undefined || score >= threshold).slice(0, limit);
    return {
      chunks: kept.map(({ row }) => toMemoryChunk(row)),
      scores: kept.map(({ score }) => score),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** Settles once every write and vector index build, and whatever they queued in turn, has settled. */
  async idle(): Promise<void> {
    for (const pending of this.openBanks.values()) {
      const bank = await pending.catch(() => undefined);
      if (bank) void this.flushReindex(bank);
    }
    while (this.writes.busyKeys > 0 || this.vectorIndexBuilds.size > 0) {
      await Promise.all([this.writes.idle(), ...this.vectorIndexBuilds]);
    }
  }

  /** How a bank's vector search runs now: its chunk count, and whether an ANN index answers. */
  async vectorIndexStatus(bankUuid: string): Promise<VectorIndexStatus> {
    this.guard();
    const bank = await this.requireBank(bankUuid);
    const config = this.options.config.vector_index;
    const state = bank.vectorIndex;
    return {
      chunk_count: state.chunkCount,
      search: useVectorIndex(state, config, state.chunkCount)
        ? (config.type as 'ivf_pq' | 'ivf_hnsw_sq')
        : 'exact',
      indexed: state.indexed,
      building: bank.vectorIndexBuild !== undefined,
      trained_rows: state.trainedRows,
    };
  }

  /** Waits for writes in progress, then closes every table and the connection. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const banks = await Promise.all(
      [...this.openBanks.values()].map((pending) => pending.catch(() => undefined)),
    );
    // Pending reindexes run first, so the next start finds every row indexed.
    await Promise.all(banks.map((bank) => bank && this.flushReindex(bank)));
    for (const bank of banks) if (bank) bank.closed = true;
    await this.idle();
    for (const bank of banks) {
      bank?.tables.documents.close();
      bank?.tables.chunks.close();
    }
    this.openBanks.clear();
    this.store.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private guard(): void {
    if (this.disposed) throw new DisposedError('The inline::lancedb memory banks provider');
  }

  private prepareOptions(
    settings: Pick<BankRecord, 'chunkSizeInTokens' | 'overlapSizeInTokens'>,
    signal: AbortSignal | undefined,
  ) {
    const { config } = this.options;
    return {
      chunkSizeInTokens: settings.chunkSizeInTokens,
      overlapSizeInTokens: settings.overlapSizeInTokens,
      maxBytes: config.max_document_bytes,
      fetchTimeoutMs: config.fetch_timeout_ms,
      allowHttp: config.allow_http_urls,
      allowedFileRoots: config.allowed_file_roots,
      signal,
    };
  }

  /** The open bank, or `NotFoundError`. Tables are opened once and kept. */
  private async requireBank(uuid: string): Promise<OpenBank> {
    let pending = this.openBanks.get(uuid);
    if (!pending) {
      pending = (async () => {
        const record = await this.store.findBank(uuid);
        if (!record) return undefined;
        const tables = await this.store.openBankTables(record);
        const [vectorIndex, stats] = await Promise.all([
          readVectorIndexState(tables.chunks),
          tables.chunks.indexStats(fullTextIndexName).catch(() => undefined),
        ]);
        const bank = openBank(record, tables, vectorIndex);
        // Rows a previous process wrote but did not index (it stopped in between) are indexed now.
        if (stats && stats.numUnindexedRows > 0) this.scheduleReindex(bank);
        else this.scheduleVectorIndexBuild(bank);
        return bank;
      })();
      this.openBanks.set(uuid, pending);
      // A miss is not kept: the bank may be created next.
      pending.then(
        (bank) => {
          if (!bank && this.openBanks.get(uuid) === pending) this.openBanks.delete(uuid);
        },
        () => {
          if (this.openBanks.get(uuid) === pending) this.openBanks.delete(uuid);
        },
      );
    }
    const bank = await pending;
    if (!bank) throw new NotFoundError('memory bank', uuid, hint);
    return bank;
  }

  /** Under the write lock: the bank read before the lock was not dropped (or re-created) meanwhile. */
  private async requireSameBank(bank: OpenBank): Promise<void> {
    const current = await this.requireBank(bank.record.uuid);
    if (current !== bank) {
      throw new ConflictError(
        `Memory bank '${bank.record.uuid}' was dropped and created again while this request ran; send it again.`,
      );
    }
  }

  /**
   * A `ConflictError` for the first document whose uuid the bank holds. Answers with the version of
   * the documents table it read (or a later one): while the table stays at it, the answer holds.
   */
  private async refuseExisting(bank: OpenBank, documents: readonly MemoryBankDocument[]): Promise<number> {
    const version = await bank.tables.documents.version();
    if (documents.length === 0) return version;
    const rows = await bank.tables.documents
      .query()
      .where(sqlIn('uuid', [...new Set(documents.map((document) => document.uuid))]))
      .select(['uuid'])
      .toArray();
    const stored = new Set(rows.map((row) => String(row.uuid)));
    const index = documents.findIndex((document) => stored.has(document.uuid));
    if (index >= 0) {
      throw new ConflictError(
        `Document '${documents[index]!.uuid}' is already in memory bank '${bank.record.uuid}'; use POST /memory_bank/update to replace it.`,
        { field: `documents.${index}.uuid` },
      );
    }
    return version;
  }

  /** Stored documents by uuid; with `required`, an unknown uuid is a `NotFoundError`. */
  private async storedDocuments(
    bank: OpenBank,
    uuids: readonly string[],
    required: boolean,
  ): Promise<Map<string, DocumentRow>> {
    const stored = new Map<string, DocumentRow>();
    if (uuids.length === 0) return stored;
    const rows = await bank.tables.documents
      .query()
      .where(sqlIn('uuid', [...new Set(uuids)]))
      .toArray();
    for (const row of rows as DocumentRow[]) stored.set(row.uuid, { ...row });
    if (required) {
      const missing = uuids.find((uuid) => !stored.has(uuid));
      if (missing !== undefined) {
        throw new NotFoundError(
          'document',
          missing,
          `Memory bank '${bank.record.uuid}' has no such document; add it with POST /memory_bank/insert.`,
        );
      }
    }
    return stored;
  }

  /** The vectors of the chunks these documents have now, by chunk text hash. */
  private async storedVectors(bank: OpenBank, uuids: readonly string[]): Promise<Map<string, number[]>> {
    const rows = await bank.tables.chunks
      .query()
      .where(sqlIn('document_id', uuids))
      .select(['text_hash', 'vector'])
      .toArray();
    return new Map(rows.map((row) => [String(row.text_hash), Array.from(row.vector as Iterable<number>)]));
  }

  /**
   * Embeds each distinct chunk text once, skipping those in `known`; answers with vectors by text
   * hash, `known` included. Throws before anything is written, so a failed embedding leaves the bank as it was.
   */
  private async embedUnique(
    model: string,
    chunks: readonly Pick<PreparedChunk, 'text' | 'textHash'>[],
    bank: BankRecord | undefined,
    known: Map<string, number[]> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, number[]>> {
    const vectors = new Map(known ?? []);
    const pending = new Map<string, string>();
    for (const { text, textHash } of chunks) {
      if (!vectors.has(textHash)) pending.set(textHash, text);
    }
    if (pending.size === 0) return vectors;
    const embedded = await embedTexts(this.options.embedder, [...pending.values()], {
      model,
      batchSize: this.options.config.embedding_batch_size,
      dimension: bank?.embeddingDimension,
      bankUuid: bank?.uuid,
      signal,
    });
    [...pending.keys()].forEach((hash, index) => {
      vectors.set(hash, embedded[index]!);
    });
    return vectors;
  }

  /** Adds new documents and their chunks, both tables or neither. */
  private async addDocuments(
    tables: BankTables,
    record: BankRecord,
    prepared: readonly PreparedDocument[],
    vectors: Map<string, number[]>,
  ): Promise<void> {
    if (prepared.length === 0) return;
    const chunkRows = prepared.flatMap((document) => toChunkRows(document, vectors));
    const chunkData =
      chunkRows.length > 0 ? toArrowRows(chunkRows, chunksSchema(record.embeddingDimension)) : undefined;
    const documentData = toArrowRows(prepared.map(toDocumentRow), documentsSchema);
    // Two tables, two commits: they run at once, and both settle before a failure rolls back.
    await writeAtomically([tables.chunks, tables.documents], () =>
      settleAll([chunkData && tables.chunks.add(chunkData), tables.documents.add(documentData)]),
    );
  }

  private async documentsMatching(bank: OpenBank, filters: NonNullable<MemoryQueryParams['filters']>) {
    const rows = await bank.tables.documents.query().select(['uuid', 'metadata', 'chunk_count']).toArray();
    const expected = Object.entries(filters);
    return rows
      .filter((row) => {
        const metadata = JSON.parse(String(row.metadata)) as Record<string, unknown>;
        return expected.every(([key, value]) => (metadata[key] ?? null) === value);
      })
      .map((row) => ({ uuid: String(row.uuid), chunkCount: Number(row.chunk_count) }));
  }

  private async vectorSearch(
    bank: OpenBank,
    text: string,
    limit: number,
    search: { where: string | undefined; candidateChunks: number },
    signal: AbortSignal | undefined,
  ): Promise<ScoredRow[]> {
    const [vector] = await embedTexts(this.options.embedder, [text], {
      model: bank.record.embeddingModel,
      batchSize: 1,
      dimension: bank.record.embeddingDimension,
      bankUuid: bank.record.uuid,
      signal,
    });
    const indexConfig = this.options.config.vector_index;
    let query = bank.tables.chunks
      .vectorSearch(vector!)
      .distanceType('cosine')
      .select([...returnedColumns, '_distance'])
      .limit(limit);
    if (useVectorIndex(bank.vectorIndex, indexConfig, search.candidateChunks)) {
      // The refine step re-reads the candidates' full vectors, so `_distance` (and the score) is exact.
      query = query.nprobes(indexConfig.nprobes).refineFactor(indexConfig.refine_factor);
    } else if (bank.vectorIndex.indexed) {
      // A small bank, or a filter that leaves few chunks: comparing them all is exact and cheap, where
      // the index would search only `nprobes` partitions and could miss the filtered rows.
      query = query.bypassVectorIndex();
    }
    if (search.where) query = query.where(search.where);
    const rows = await query.toArray();
    // Cosine distance is 1 - cosine similarity; the similarity is the score (higher is closer).
    return rows.map((row) => ({ row, score: 1 - Number(row._distance) }));
  }

  private async keywordSearch(bank: OpenBank, text: string, limit: number, where: string | undefined) {
    // Rows the full-text index has not taken in are not found reliably (see `reindex`).
    await this.flushReindex(bank);
    let query = bank.tables.chunks
      .query()
      .fullTextSearch(text)
      .select([...returnedColumns, '_score'])
      .limit(limit);
    if (where) query = query.where(where);
    const rows = await query.toArray();
    // BM25 scores: unbounded, comparable only within one query.
    return rows.map((row): ScoredRow => ({ row, score: Number(row._score) }));
  }

  /**
   * Called by each write, under the write lock. The reindex runs once writes to the bank pause for
   * `reindexDelayMs`, or at once every `reindexAfterWrites` writes, queued under the write lock: a
   * write returns without it, and a run of writes (a client ingesting request after request) shares
   * one. Vector search sees unindexed rows as they are; keyword search starts the reindex and waits.
   */
  private scheduleReindex(bank: OpenBank): void {
    bank.writesSinceReindex += 1;
    clearTimeout(bank.reindexTimer);
    bank.reindexTimer = undefined;
    if (bank.writesSinceReindex >= reindexAfterWrites) {
      void this.flushReindex(bank);
      return;
    }
    bank.reindexTimer = setTimeout(() => void this.flushReindex(bank), reindexDelayMs);
    bank.reindexTimer.unref();
  }

  /** Queues the bank's pending reindex now, if any; settles once the last one queued has run. */
  private flushReindex(bank: OpenBank): Promise<void> {
    clearTimeout(bank.reindexTimer);
    bank.reindexTimer = undefined;
    if (bank.writesSinceReindex === 0 || bank.reindexQueued) return bank.reindexed;
    bank.reindexQueued = true;
    bank.reindexed = this.writes.run(bank.record.uuid, async () => {
      bank.reindexQueued = false;
      bank.writesSinceReindex = 0;
      if (!bank.closed) await this.reindex(bank);
    });
    return bank.reindexed;
  }

  /**
   * Runs after writes, under the write lock. LanceDB searches rows its full-text index has not
   * taken in yet by a fallback that misses matches (measured on 0.22: a term in two of two unindexed
   * rows is not found, and a filtered search finds none), so keyword searches wait for it: they then
   * see exactly what was written. The same call compacts
   * the chunk fragments (tens of milliseconds for thousands of chunks). The documents table, which
   * has no index, is compacted every `documentsCompactionEvery` reindexes. A failure here leaves the write in place.
   */
  private async reindex(bank: OpenBank): Promise<void> {
    try {
      await optimize(bank.tables.chunks);
      bank.vectorIndex.chunkCount = await bank.tables.chunks.countRows();
      this.scheduleVectorIndexBuild(bank);
      bank.reindexesSinceDocumentsCompaction += 1;
      if (bank.reindexesSinceDocumentsCompaction >= documentsCompactionEvery) {
        bank.reindexesSinceDocumentsCompaction = 0;
        await optimize(bank.tables.documents);
      }
    } catch (error) {
      this.options.logger?.warn(
        `indexing the last write to memory bank '${bank.record.uuid}' failed; keyword search may miss it until the next write`,
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
    }
  }

  /**
   * Starts a build of the bank's vector index when one is due (the bank reached `min_chunks`, or
   * outgrew the rows the index was trained on). It runs in the background on a handle of its own:
   * writes and queries go on meanwhile (queries stay exact, or use the previous index, until it is
   * done), and rows written during the build are searched unindexed until the next write folds them
   * in. A failed build is logged, search stays as it was, and the next write starts it again.
   */
  private scheduleVectorIndexBuild(bank: OpenBank): void {
    const config = this.options.config.vector_index;
    if (bank.closed || bank.vectorIndexBuild || !vectorIndexBuildDue(bank.vectorIndex, config)) return;
    const build = this.buildVectorIndex(bank, config).finally(() => {
      bank.vectorIndexBuild = undefined;
      this.vectorIndexBuilds.delete(build);
    });
    bank.vectorIndexBuild = build;
    this.vectorIndexBuilds.add(build);
  }

  private async buildVectorIndex(bank: OpenBank, config: LanceDbMemoryConfig['vector_index']): Promise<void> {
    const uuid = bank.record.uuid;
    let chunks: Table | undefined;
    try {
      chunks = await this.store.openChunksTable(bank.record);
      const table = chunks;
      // A write's compaction may commit first; the build then starts over on the table as it is now.
      const built = await retryCommitConflicts(maxVectorIndexBuildAttempts, async (attempt) => {
        if (bank.closed) return undefined;
        await table.checkoutLatest();
        const rows = await table.countRows();
        if (rows < config.min_chunks) return undefined;
        const started = performance.now();
        await buildVectorIndex(table, config, bank.record.embeddingDimension);
        return { rows, attempt, started };
      });
      if (!built || bank.closed) return;
      // The shared handle reads the version the build committed (and any write after it). Not under
      // the write lock: a drop holds it while it waits for this build.
      await bank.tables.chunks.checkoutLatest();
      bank.vectorIndex.indexed = true;
      bank.vectorIndex.trainedRows = built.rows;
      bank.vectorIndex.chunkCount = await bank.tables.chunks.countRows();
      this.options.logger?.info(`built the ${config.type} vector index of memory bank '${uuid}'`, {
        chunks: built.rows,
        attempts: built.attempt,
        milliseconds: Math.round(performance.now() - built.started),
      });
    } catch (error) {
      this.options.logger?.warn(
        `building the vector index of memory bank '${uuid}' failed; its vector search stays as it was until a later write starts the build again`,
        { error: error instanceof Error ? error.message : String(error) },
      );
    } finally {
      chunks?.close();
    }
  }
}

/**
 * Compacts small fragments, folds new rows into the indexes, and removes versions older than ten
 * minutes (kept that long so reads that started on them can finish).
 */
async function optimize(table: Table): Promise<void> {
  // A vector index build may commit between this compaction's read and its commit: once more, on top.
  await retryCommitConflicts(2, () =>
    table.optimize({ cleanupOlderThan: new Date(Date.now() - 10 * 60_000) }),
  );
}

/** How long writes to a bank pause before their reindex runs, and how many run before it at most. */
const reindexDelayMs = 200;
const reindexAfterWrites = 16;
const documentsCompactionEvery = 20;

/**
 * A build starts over this often when writes' compactions commit first (each one is a write that
 * landed during the build); past that, the next write starts it again.
 */
const maxVectorIndexBuildAttempts = 10;

function toChunkRows(document: PreparedDocument, vectors: Map<string, number[]>): ChunkRow[] {
  const metadata = JSON.stringify(document.document.metadata);
  return document.chunks.map((chunk, index) => ({
    document_id: document.document.uuid,
    chunk_index: index,
    text: chunk.text,
    token_count: chunk.tokenCount,
    text_hash: chunk.textHash,
    metadata,
    vector: vectors.get(chunk.textHash)!,
  }));
}

function toDocumentRow(document: PreparedDocument): DocumentRow {
  return {
    uuid: document.document.uuid,
    content: document.document.content,
    mime_type: document.document.mime_type,
    metadata: JSON.stringify(document.document.metadata),
    text_hash: document.textHash,
    chunk_count: document.chunks.length,
  };
}

function toMemoryChunk(row: Record<string, unknown>): MemoryChunk {
  return {
    content: String(row.text),
    document_id: String(row.document_id),
    token_count: Number(row.token_count),
    metadata: JSON.parse(String(row.metadata)) as Record<string, unknown>,
  };
}

/** The text parts of a query; attachments are not searched. */
function queryText(query: Content): string {
  const parts = Array.isArray(query) ? query : [query];
  const text = parts
    .filter((part): part is string => typeof part === 'string')
    .join('\n')
    .trim();
  if (!text)
    throw new InvalidRequestError(
      'query',
      'must hold text to search for; attachments alone are not searched',
    );
  return text;
}
