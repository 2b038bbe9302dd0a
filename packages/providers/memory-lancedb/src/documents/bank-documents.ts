import type {
  DeleteDocumentsRequest,
  EmbeddingInference,
  GetDocumentsRequest,
  InsertDocumentsRequest,
  MemoryBankDocument,
  RequestOptions,
  UpdateDocumentsRequest,
  UrlPolicy,
} from '@llama-stack-ts/core';
import type { OpenBank } from '../banks/open-bank.js';
import type { OpenBanks } from '../banks/open-banks.js';
import { embedTexts } from '../embed-texts.js';
import type { LanceDbMemoryConfig } from '../lancedb-config.js';
import type { BankMaintenance } from '../maintenance/bank-maintenance.js';
import { appendRows } from '../storage/append-rows.js';
import { type BankRecord, chunksSchema, documentsSchema } from '../storage/bank-tables.js';
import type { KeyedMutex } from '../storage/keyed-mutex.js';
import { type BankTables, toArrowRows } from '../storage/lancedb-bank-store.js';
import { sqlIn } from '../storage/sql-literal.js';
import { settleAll, writeAtomically } from '../storage/write-atomically.js';
import { toChunkRows, toDocumentRow } from './document-rows.js';
import {
  type PrepareDocumentsOptions,
  type PreparedChunk,
  type PreparedDocument,
  prepareDocuments,
} from './prepare-documents.js';
import { refuseStoredDocuments, storedDocuments, storedVectors } from './stored-documents.js';

export interface BankDocumentsOptions {
  config: LanceDbMemoryConfig;
  urlPolicy: UrlPolicy | undefined;
  embedder: EmbeddingInference;
  /** The banks' write locks: each write to a bank's tables runs under its bank's. */
  writes: KeyedMutex;
  banks: OpenBanks;
  /** Told of each write, to reindex the bank after it. */
  maintenance: BankMaintenance;
}

/**
 * The documents of open banks: read, chunked and embedded before the bank's write lock is taken,
 * then written whole or not at all (a failed write restores the tables it touched).
 */
export class BankDocuments {
  constructor(private readonly options: BankDocumentsOptions) {}

  async insert(bank: OpenBank, request: InsertDocumentsRequest, options: RequestOptions = {}): Promise<void> {
    // The lookup of stored uuids (a few milliseconds) runs while the documents are read, chunked
    // and embedded, and again under the write lock only if a write to the documents came in
    // between. A uuid already stored stops the embedding and answers 409, as it would have first.
    const refused = new AbortController();
    const checked = refuseStoredDocuments(bank, request.documents);
    checked.catch(() => refused.abort());
    const signal = options.signal ? AbortSignal.any([options.signal, refused.signal]) : refused.signal;
    const embedded = (async () => {
      const prepared = await this.prepare(request.documents, bank.record, signal);
      const vectors = await this.embed(
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
    await this.options.writes.run(bank.record.uuid, async () => {
      await this.options.banks.requireSame(bank);
      if ((await bank.tables.documents.version()) !== checkedVersion) {
        await refuseStoredDocuments(bank, request.documents);
      }
      await this.add(bank.tables, bank.record, prepared, vectors);
      this.options.maintenance.afterWrite(bank);
    });
  }

  async update(bank: OpenBank, request: UpdateDocumentsRequest, options: RequestOptions = {}): Promise<void> {
    const uuids = request.documents.map((document) => document.uuid);
    await storedDocuments(bank, uuids, true);
    const prepared = await this.prepare(request.documents, bank.record, options.signal);

    // Only chunk texts the bank has not embedded for these documents go to the model.
    const known = await storedVectors(bank, uuids);
    const vectors = await this.embed(
      bank.record.embeddingModel,
      prepared.flatMap((document) => document.chunks),
      bank.record,
      known,
      options.signal,
    );

    await this.options.writes.run(bank.record.uuid, async () => {
      await this.options.banks.requireSame(bank);
      const stored = await storedDocuments(bank, uuids, true);
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
            .execute(await toArrowRows(chunkRows, chunksSchema(bank.record.embeddingDimension)));
        }
        await documents
          .mergeInsert('uuid')
          .whenMatchedUpdateAll()
          .execute(await toArrowRows(changed.map(toDocumentRow), documentsSchema));
      });
      this.options.maintenance.afterWrite(bank);
    });
  }

  async get(bank: OpenBank, request: GetDocumentsRequest): Promise<MemoryBankDocument[]> {
    const stored = await storedDocuments(bank, request.document_uuids, true);
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

  async delete(bank: OpenBank, request: DeleteDocumentsRequest): Promise<string[]> {
    return this.options.writes.run(bank.record.uuid, async () => {
      await this.options.banks.requireSame(bank);
      const stored = await storedDocuments(bank, request.document_uuids, false);
      const deleted = [...new Set(request.document_uuids)].filter((uuid) => stored.has(uuid));
      if (deleted.length === 0) return [];
      const { documents, chunks } = bank.tables;
      await writeAtomically([chunks, documents], async () => {
        await chunks.delete(sqlIn('document_id', deleted));
        await documents.delete(sqlIn('uuid', deleted));
      });
      this.options.maintenance.afterWrite(bank);
      return deleted;
    });
  }

  /** Reads, converts and chunks documents with a bank's chunk settings and the provider's limits. */
  prepare(
    documents: readonly MemoryBankDocument[],
    settings: Pick<BankRecord, 'chunkSizeInTokens' | 'overlapSizeInTokens'>,
    signal: AbortSignal | undefined,
  ): Promise<PreparedDocument[]> {
    const { config } = this.options;
    const options: PrepareDocumentsOptions = {
      chunkSizeInTokens: settings.chunkSizeInTokens,
      overlapSizeInTokens: settings.overlapSizeInTokens,
      maxBytes: config.max_document_bytes,
      fetchTimeoutMs: config.fetch_timeout_ms,
      allowHttp: config.allow_http_urls,
      urlPolicy: this.options.urlPolicy,
      signal,
    };
    return prepareDocuments(documents, options);
  }

  /**
   * Embeds each distinct chunk text once, skipping those in `known`; answers with vectors by text
   * hash, `known` included. Throws before anything is written, so a failed embedding leaves the bank as it was.
   */
  async embed(
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
  async add(
    tables: BankTables,
    record: BankRecord,
    prepared: readonly PreparedDocument[],
    vectors: Map<string, number[]>,
  ): Promise<void> {
    if (prepared.length === 0) return;
    const chunkRows = prepared.flatMap((document) => toChunkRows(document, vectors));
    const chunkData =
      chunkRows.length > 0
        ? await toArrowRows(chunkRows, chunksSchema(record.embeddingDimension))
        : undefined;
    const documentData = await toArrowRows(prepared.map(toDocumentRow), documentsSchema);
    // Two tables, two commits: they run at once, and both settle before a failure rolls back.
    await writeAtomically([tables.chunks, tables.documents], () =>
      settleAll([
        chunkData && appendRows(tables.chunks, chunkData),
        appendRows(tables.documents, documentData),
      ]),
    );
  }
}
