import type { Table } from '@lancedb/lancedb';
import { returnedColumns, type ScoredRow } from './scored-row.js';

/**
 * The `limit` chunks that best match the text by BM25 through the full-text index. Rows the index
 * has not taken in are not found reliably, so callers first wait for the bank's pending reindex
 * (`BankMaintenance.flush`).
 */
export async function keywordSearch(
  chunks: Table,
  text: string,
  limit: number,
  where: string | undefined,
): Promise<ScoredRow[]> {
  let query = chunks
    .query()
    .fullTextSearch(text)
    .select([...returnedColumns, '_score'])
    .limit(limit);
  if (where) query = query.where(where);
  const rows = await query.toArray();
  // BM25 scores: unbounded, comparable only within one query.
  return rows.map((row) => ({ row, score: Number(row._score) }));
}
