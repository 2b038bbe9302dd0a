import type { MemoryChunk } from '@llama-stack-ts/core';

/** A chunk row a search returned, with its score in that search (higher is better). */
export interface ScoredRow {
  row: Record<string, unknown>;
  score: number;
}

/** The chunk columns a search returns: what `toMemoryChunk` reads, and the chunk's key. */
export const returnedColumns = ['document_id', 'chunk_index', 'text', 'token_count', 'metadata'];

export function toMemoryChunk(row: Record<string, unknown>): MemoryChunk {
  return {
    content: String(row.text),
    document_id: String(row.document_id),
    token_count: Number(row.token_count),
    metadata: JSON.parse(String(row.metadata)) as Record<string, unknown>,
  };
}
