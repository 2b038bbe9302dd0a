import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';
import type { ScoredRow } from './scored-row.js';

/** One of the two searches a hybrid search fuses, asked for its best `depth` chunks. */
export type RankedSearch = (depth: number) => Promise<ScoredRow[]>;

/**
 * Runs the vector and the keyword search at once and fuses their rankings (reciprocal rank
 * fusion), scored in (0, 1]: 1 is ranked first by both.
 */
export async function hybridSearch(
  byVector: RankedSearch,
  byKeyword: RankedSearch,
  limit: number,
): Promise<ScoredRow[]> {
  // Each list reaches deeper than the answer, so a chunk ranked well by one and fairly by the
  // other can still come out on top.
  const depth = Math.max(limit * 4, 40);
  const lists = await Promise.all([byVector(depth), byKeyword(depth)]);
  const rows = new Map<string, Record<string, unknown>>();
  const keys = (list: ScoredRow[]) =>
    list.map(({ row }) => {
      const key = `${String(row.document_id)}\u0000${Number(row.chunk_index)}`;
      rows.set(key, row);
      return key;
    });
  return reciprocalRankFusion(lists.map(keys)).map(({ key, score }) => ({ row: rows.get(key)!, score }));
}
