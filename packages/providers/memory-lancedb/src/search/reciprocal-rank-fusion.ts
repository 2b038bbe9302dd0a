/** The constant of reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009); 60 is their value. */
export const rrfK = 60;

export interface FusedResult<Key> {
  key: Key;
  /**
   * The fused score, normalized to (0, 1]: the sum of `1 / (k + rank)` over the lists, divided by
   * what ranking first in every list would give. 1 means first everywhere.
   */
  score: number;
}

/**
 * Reciprocal rank fusion of ranked lists (best first): each key scores `1 / (k + rank)` per list it
 * appears in (rank from 1). Ties keep the order in which keys were first seen, lists in order.
 */
export function reciprocalRankFusion<Key>(lists: readonly (readonly Key[])[], k = rrfK): FusedResult<Key>[] {
  const scores = new Map<Key, number>();
  for (const list of lists) {
    list.forEach((key, index) => {
      scores.set(key, (scores.get(key) ?? 0) + 1 / (k + index + 1));
    });
  }
  const best = lists.length / (k + 1);
  return [...scores.entries()]
    .map(([key, score]) => ({ key, score: score / best }))
    .sort((left, right) => right.score - left.score);
}
