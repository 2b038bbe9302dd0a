import { Index, type Table } from '@lancedb/lancedb';
import type { VectorIndexConfig } from '../lancedb-config.js';

/** The name the provider gives a bank's vector index (LanceDB's own default for the column). */
export const vectorIndexName = 'vector_idx';

/** What a bank knows about its vector index, kept with the open bank and refreshed after each write. */
export interface VectorIndexState {
  /** Rows in the chunks table after the last write. */
  chunkCount: number;
  /** Whether the chunks table has a vector index (it may be stale or unused below `min_chunks`). */
  indexed: boolean;
  /** Rows the index was trained on (or held when the bank was opened); 0 without an index. */
  trainedRows: number;
}

/** Reads the state of a bank's chunks table as it is on disk. */
export async function readVectorIndexState(chunks: Table): Promise<VectorIndexState> {
  const [chunkCount, indices] = await Promise.all([chunks.countRows(), chunks.listIndices()]);
  const index = indices.find((candidate) => candidate.columns.includes('vector'));
  const stats = index ? await chunks.indexStats(index.name) : undefined;
  return {
    chunkCount,
    indexed: index !== undefined,
    trainedRows: index ? (stats?.numIndexedRows ?? chunkCount) : 0,
  };
}

/** Whether a (re)build is due: the bank has reached `min_chunks` and has no index, or has outgrown it. */
export function vectorIndexBuildDue(state: VectorIndexState, config: VectorIndexConfig): boolean {
  if (config.type === 'none' || state.chunkCount < config.min_chunks) return false;
  return !state.indexed || state.chunkCount >= state.trainedRows * config.retrain_growth;
}

/** Whether a search over `candidateChunks` rows (all of the bank, or a filter's share) uses the index. */
export function useVectorIndex(
  state: VectorIndexState,
  config: VectorIndexConfig,
  candidateChunks: number,
): boolean {
  return (
    config.type !== 'none' &&
    state.indexed &&
    state.chunkCount >= config.min_chunks &&
    candidateChunks >= config.min_chunks
  );
}

/** Trains the index over every row now in the table, replacing an older one. Cosine, as the search. */
export async function buildVectorIndex(
  chunks: Table,
  config: VectorIndexConfig,
  dimension: number,
): Promise<void> {
  const index =
    config.type === 'ivf_hnsw_sq'
      ? Index.hnswSq({
          distanceType: 'cosine',
          ...(config.num_partitions ? { numPartitions: config.num_partitions } : {}),
        })
      : Index.ivfPq({
          distanceType: 'cosine',
          ...(config.num_partitions ? { numPartitions: config.num_partitions } : {}),
          numSubVectors: config.num_sub_vectors ?? defaultSubVectors(dimension),
        });
  await chunks.createIndex('vector', { config: index, replace: true, name: vectorIndexName });
}

/** A quarter of the dimension, when it divides; else the largest divisor of the dimension below that. */
function defaultSubVectors(dimension: number): number {
  for (let count = Math.max(1, Math.floor(dimension / 4)); count > 1; count -= 1) {
    if (dimension % count === 0) return count;
  }
  return 1;
}
