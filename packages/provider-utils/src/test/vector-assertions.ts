import { expect } from 'vitest';

export function vectorNorm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0) / (vectorNorm(a) * vectorNorm(b));
}

/** Same length, and every component within 10^-digits/2, as toBeCloseTo checks one number. */
export function expectVectorsClose(
  actual: readonly number[] | undefined,
  expected: readonly number[] | undefined,
  digits: number,
): void {
  expect(expected, 'the expected vector').toBeDefined();
  expect(actual).toHaveLength(expected?.length ?? 0);
  const worst = Math.max(
    ...(expected ?? []).map((value, index) => Math.abs(value - (actual?.[index] ?? NaN))),
  );
  expect(worst).toBeLessThan(10 ** -digits / 2);
}
