import type { EmbeddingInference } from '@llama-stack-ts/core';
import type { OpenBank } from '../banks/open-bank.js';
import { embedTexts } from '../embed-texts.js';
import type { VectorIndexConfig } from '../lancedb-config.js';
import { useVectorIndex } from '../storage/vector-index.js';
import { returnedColumns, type ScoredRow } from './scored-row.js';

export interface VectorSearchOptions {
  embedder: EmbeddingInference;
  indexConfig: VectorIndexConfig;
  /** The prefilter: only the chunks of the documents a query's filters match. */
  where: string | undefined;
  /** How many chunks the search runs over: the bank's, or the filtered documents'. */
  candidateChunks: number;
  signal?: AbortSignal | undefined;
}

/**
 * The `limit` chunks nearest to the text's embedding, scored by cosine similarity (-1 to 1). Exact
 * below `min_chunks` candidates; above, through the bank's vector index with exact re-ranking.
 */
export async function vectorSearch(
  bank: OpenBank,
  text: string,
  limit: number,
  options: VectorSearchOptions,
): Promise<ScoredRow[]> {
  const [vector] = await embedTexts(options.embedder, [text], {
    model: bank.record.embeddingModel,
    batchSize: 1,
    dimension: bank.record.embeddingDimension,
    bankUuid: bank.record.uuid,
    signal: options.signal,
  });
  const { indexConfig } = options;
  let query = bank.tables.chunks
    .vectorSearch(vector!)
    .distanceType('cosine')
    .select([...returnedColumns, '_distance'])
    .limit(limit);
  if (useVectorIndex(bank.vectorIndex, indexConfig, options.candidateChunks)) {
    // The refine step re-reads the candidates' full vectors, so `_distance` (and the score) is exact.
    query = query.nprobes(indexConfig.nprobes).refineFactor(indexConfig.refine_factor);
  } else if (bank.vectorIndex.indexed) {
    // A small bank, or a filter that leaves few chunks: comparing them all is exact and cheap, where
    // the index would search only `nprobes` partitions and could miss the filtered rows.
    query = query.bypassVectorIndex();
  }
  if (options.where) query = query.where(options.where);
  const rows = await query.toArray();
  // Cosine distance is 1 - cosine similarity; the similarity is the score (higher is closer).
  return rows.map((row) => ({ row, score: 1 - Number(row._distance) }));
}
