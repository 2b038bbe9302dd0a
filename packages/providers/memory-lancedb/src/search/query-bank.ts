import {
  type Content,
  type EmbeddingInference,
  InvalidRequestError,
  type MemoryQueryParams,
  type QueryDocumentsRequest,
  type QueryDocumentsResponse,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type { OpenBank } from '../banks/open-bank.js';
import type { VectorIndexConfig } from '../lancedb-config.js';
import type { BankMaintenance } from '../maintenance/bank-maintenance.js';
import { sqlIn } from '../storage/sql-literal.js';
import { hybridSearch } from './hybrid-search.js';
import { keywordSearch } from './keyword-search.js';
import { type ScoredRow, toMemoryChunk } from './scored-row.js';
import { vectorSearch } from './vector-search.js';

export interface QueryBankOptions {
  embedder: EmbeddingInference;
  indexConfig: VectorIndexConfig;
  /** Keyword searches wait for its reindex of the bank, so they see every write (see `keywordSearch`). */
  maintenance: BankMaintenance;
  signal?: AbortSignal | undefined;
}

/**
 * Answers a query on one bank: keeps only the documents its filters match (before the search, so
 * `max_chunks` counts matches among them), searches by the mode asked for, and drops the scores
 * under `score_threshold`.
 */
export async function queryBank(
  bank: OpenBank,
  request: QueryDocumentsRequest,
  options: QueryBankOptions,
): Promise<QueryDocumentsResponse> {
  const text = queryText(request.query);
  const params: MemoryQueryParams = request.params;
  const limit = params.max_chunks;

  let where: string | undefined;
  let candidateChunks = bank.vectorIndex.chunkCount;
  if (params.filters && Object.keys(params.filters).length > 0) {
    const matching = await documentsMatching(bank, params.filters);
    if (matching.length === 0) return { chunks: [], scores: [] };
    where = sqlIn(
      'document_id',
      matching.map((document) => document.uuid),
    );
    candidateChunks = matching.reduce((sum, document) => sum + document.chunkCount, 0);
  }

  const byVector = (depth: number) =>
    vectorSearch(bank, text, depth, {
      embedder: options.embedder,
      indexConfig: options.indexConfig,
      where,
      candidateChunks,
      signal: options.signal,
    });
  const byKeyword = async (depth: number) => {
    await options.maintenance.flush(bank);
    return keywordSearch(bank.tables.chunks, text, depth, where);
  };
  let results: ScoredRow[];
  if (params.mode === 'vector') results = await byVector(limit);
  else if (params.mode === 'keyword') results = await byKeyword(limit);
  else results = await hybridSearch(byVector, byKeyword, limit);

  const threshold = params.score_threshold;
  const kept = results.filter(({ score }) => threshold === undefined || score >= threshold).slice(0, limit);
  return {
    chunks: kept.map(({ row }) => toMemoryChunk(row)),
    scores: kept.map(({ score }) => score),
  };
}

/** The text parts of a query; attachments are not searched. */
function queryText(query: Content): string {
  const text = contentToText(query, { otherAttachments: 'omit' }).trim();
  if (!text) {
    throw new InvalidRequestError(
      'query',
      'must hold text to search for; attachments that are not text are not searched',
    );
  }
  return text;
}

/** The documents whose metadata equals every value of the filters, with their chunk counts. */
async function documentsMatching(bank: OpenBank, filters: NonNullable<MemoryQueryParams['filters']>) {
  const rows = await bank.tables.documents.query().select(['uuid', 'metadata', 'chunk_count']).toArray();
  const expected = Object.entries(filters);
  return rows
    .filter((row) => {
      const metadata = JSON.parse(String(row.metadata)) as Record<string, unknown>;
      return expected.every(([key, value]) => (metadata[key] ?? null) === value);
    })
    .map((row) => ({ uuid: String(row.uuid), chunkCount: Number(row.chunk_count) }));
}
