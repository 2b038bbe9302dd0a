/**
 * A repeatable sequence of numbers in [0, 1) from `seed` (a linear congruential generator), so a
 * test or a benchmark builds the same inputs on every run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
