import {
  ConflictError,
  type CreateMemoryBankRequest,
  type DeleteDocumentsRequest,
  DisposedError,
  type DropMemoryBankRequest,
  type EmbeddingInference,
  type GetDocumentsRequest,
  type InsertDocumentsRequest,
  type ListMemoryBanksResponse,
  type MemoryBankDocument,
  type MemoryBankRegistration,
  type MemoryBanks,
  type ProviderLogger,
  type QueryDocumentsRequest,
  type QueryDocumentsResponse,
  type RequestOptions,
  type UpdateDocumentsRequest,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import { resolveBankSettings } from './banks/bank-settings.js';
import { openBank } from './banks/open-bank.js';
import { OpenBanks, unknownBankError } from './banks/open-banks.js';
import { BankDocuments } from './documents/bank-documents.js';
import type { LanceDbMemoryConfig } from './lancedb-config.js';
import { BankMaintenance } from './maintenance/bank-maintenance.js';
import { queryBank } from './search/query-bank.js';
import { type BankRecord, sha256, tableKeyOf } from './storage/bank-tables.js';
import { KeyedMutex } from './storage/keyed-mutex.js';
import { LanceDbBankStore } from './storage/lancedb-bank-store.js';
import { useVectorIndex } from './storage/vector-index.js';

export interface LanceDbMemoryBanksOptions {
  config: LanceDbMemoryConfig;
  /** Where the banks live: `config.uri`, or the default under the provider's data directory. */
  uri: string;
  embedder: EmbeddingInference;
  logger?: ProviderLogger | undefined;
  /** The distribution's `url_fetch:` policy, applied to documents given as http(s) or file:// URLs. */
  urlPolicy?: UrlPolicy | undefined;
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

/**
 * Memory banks in LanceDB. Documents are read (inline, data:, http(s), file://), converted to text,
 * chunked, embedded through the Inference API and stored with a full-text index; queries search by
 * vector, by keyword or both fused.
 *
 * Writes to one bank run one at a time (in this process), and each lands whole or not at all:
 * documents are read and embedded before anything is written, and a failed write restores the
 * tables it touched. Reads run alongside writes and see the last completed write.
 *
 * This class answers the MemoryBanks API and owns the banks' lifetimes; the documents
 * (`BankDocuments`), the search (`queryBank`) and the indexes (`BankMaintenance`) each live apart.
 */
export class LanceDbMemoryBanks implements MemoryBanks, AsyncDisposable {
  private readonly writes = new KeyedMutex();
  private readonly maintenance: BankMaintenance;
  private readonly banks: OpenBanks;
  private readonly documents: BankDocuments;
  private disposed = false;

  private constructor(
    private readonly store: LanceDbBankStore,
    private readonly options: LanceDbMemoryBanksOptions,
  ) {
    const { config, embedder, logger, urlPolicy } = options;
    this.maintenance = new BankMaintenance({
      store,
      writes: this.writes,
      vectorIndex: config.vector_index,
      logger,
    });
    this.banks = new OpenBanks(store, this.maintenance, {
      shared: config.read_consistency_interval_s !== undefined,
    });
    this.documents = new BankDocuments({
      config,
      urlPolicy,
      embedder,
      writes: this.writes,
      banks: this.banks,
      maintenance: this.maintenance,
    });
  }

  static async create(options: LanceDbMemoryBanksOptions): Promise<LanceDbMemoryBanks> {
    const store = await LanceDbBankStore.open({
      uri: options.uri,
      storageOptions: options.config.storage_options,
      readConsistencyIntervalS: options.config.read_consistency_interval_s,
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
    const settings = resolveBankSettings(request, this.options.config);
    await this.writes.run(request.bank_uuid, async () => {
      if (await this.store.findBank(request.bank_uuid)) {
        throw new ConflictError(
          `Memory bank '${request.bank_uuid}' already exists; drop it first (DELETE /memory_banks/drop) or pick another bank_uuid.`,
          { field: 'bank_uuid' },
        );
      }
      const prepared = await this.documents.prepare(request.documents, settings, options.signal);
      const chunks = prepared.flatMap((document) => document.chunks);
      // A bank with no text yet still needs its vector dimension: one probe embedding gives it
      // (and checks that the model exists before the bank does).
      const probe =
        chunks.length === 0 ? [{ text: request.bank_name, textHash: sha256(request.bank_name) }] : [];
      const vectors = await this.documents.embed(
        settings.embeddingModel,
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
        ...settings,
        embeddingDimension: dimension,
        tableKey: tableKeyOf(request.bank_uuid),
        createdAt: new Date().toISOString(),
      };
      const tables = await this.store.createBankTables(record);
      try {
        await this.documents.add(tables, record, prepared, vectors);
        await this.store.registerBank(record);
      } catch (error) {
        tables.documents.close();
        tables.chunks.close();
        await this.store.dropBankTables(record).catch(() => undefined);
        throw error;
      }
      const bank = openBank(record, tables, { chunkCount: 0, indexed: false, trainedRows: 0 });
      await this.maintenance.reindex(bank);
      this.banks.add(bank);
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
      if (!record) throw unknownBankError(request.bank_uuid);
      const open = await this.banks.remove(request.bank_uuid);
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
  // Documents and queries

  async insertDocuments(request: InsertDocumentsRequest, options: RequestOptions = {}): Promise<void> {
    this.guard();
    const bank = await this.banks.require(request.bank_uuid);
    await this.documents.insert(bank, request, options);
  }

  async updateDocuments(request: UpdateDocumentsRequest, options: RequestOptions = {}): Promise<void> {
    this.guard();
    const bank = await this.banks.require(request.bank_uuid);
    await this.documents.update(bank, request, options);
  }

  async getDocuments(request: GetDocumentsRequest, _options?: RequestOptions): Promise<MemoryBankDocument[]> {
    this.guard();
    const bank = await this.banks.require(request.bank_uuid);
    return this.documents.get(bank, request);
  }

  async deleteDocuments(request: DeleteDocumentsRequest, _options?: RequestOptions): Promise<string[]> {
    this.guard();
    const bank = await this.banks.require(request.bank_uuid);
    return this.documents.delete(bank, request);
  }

  async queryDocuments(
    request: QueryDocumentsRequest,
    options: RequestOptions = {},
  ): Promise<QueryDocumentsResponse> {
    this.guard();
    const bank = await this.banks.require(request.bank_uuid);
    return queryBank(bank, request, {
      embedder: this.options.embedder,
      indexConfig: this.options.config.vector_index,
      maintenance: this.maintenance,
      signal: options.signal,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** Settles once every write and vector index build, and whatever they queued in turn, has settled. */
  async idle(): Promise<void> {
    for (const bank of await this.banks.all()) void this.maintenance.flush(bank);
    while (this.writes.busyKeys > 0 || this.maintenance.building) {
      await Promise.all([this.writes.idle(), this.maintenance.buildsSettled()]);
    }
  }

  /** How a bank's vector search runs now: its chunk count, and whether an ANN index answers. */
  async vectorIndexStatus(bankUuid: string): Promise<VectorIndexStatus> {
    this.guard();
    const bank = await this.banks.require(bankUuid);
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
    const banks = await this.banks.all();
    // Pending reindexes run first, so the next start finds every row indexed.
    await Promise.all(banks.map((bank) => this.maintenance.flush(bank)));
    for (const bank of banks) bank.closed = true;
    await this.idle();
    for (const bank of banks) {
      bank.tables.documents.close();
      bank.tables.chunks.close();
    }
    this.banks.clear();
    this.store.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private guard(): void {
    if (this.disposed) throw new DisposedError('The inline::lancedb memory banks provider');
  }
}
