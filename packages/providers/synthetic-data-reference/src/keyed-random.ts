import seedrandom from 'seedrandom';

/**
 * A repeatable source of numbers in [0, 1) for one use within a run: the run's seed and a key
 * (`'filter', promptIndex`) name it, so each use draws its own numbers whatever order the run's
 * concurrent parts finish in. seedrandom's ARC4 generator.
 */
export function keyedRandom(seed: number, ...key: readonly (string | number)[]): () => number {
  const generator = seedrandom([seed, ...key].join(':'));
  return () => generator();
}

/** A repeatable 32-bit seed for one use within a run (a candidate's sampler), from the run's seed and a key. */
export function keyedSeed(seed: number, ...key: readonly (string | number)[]): number {
  return seedrandom([seed, ...key].join(':')).int32() >>> 0;
}
