import { expect } from 'vitest';
import { tf } from '../src/tfjs-engine.js';

/**
 * Checks `variable`'s analytic gradient against central finite differences of `lossValue` on its
 * `count` largest entries, which finite differences resolve well above f32 noise. Returns how many
 * entries it compared.
 */
export function expectFiniteDifferenceGradient(
  variable: tf.Variable,
  analytic: Float32Array,
  lossValue: () => number,
  { count = 3, epsilon = 5e-3 }: { count?: number; epsilon?: number } = {},
): number {
  const entries = [...analytic.keys()]
    .sort((i, j) => Math.abs(analytic[j] as number) - Math.abs(analytic[i] as number))
    .slice(0, count);
  for (const entry of entries) {
    const original = variable.dataSync().slice();
    const at = (delta: number) => {
      const moved = original.slice();
      moved[entry] = (original[entry] as number) + delta;
      variable.assign(tf.tensor(moved, variable.shape));
      return lossValue();
    };
    const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
    variable.assign(tf.tensor(original, variable.shape));
    const expected = analytic[entry] as number;
    expect(Math.abs(expected), `${variable.name}[${entry}]`).toBeGreaterThan(1e-3);
    expect(
      Math.abs(numeric - expected),
      `${variable.name}[${entry}]: ${numeric} vs ${expected}`,
    ).toBeLessThan(0.02 * Math.abs(expected) + 2e-4);
  }
  return entries.length;
}
