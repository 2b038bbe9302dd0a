import { beforeAll, describe, expect, it } from 'vitest';
import { cosineLearningRate } from './learning-rate-schedule.js';
import { Optimizer } from './optimizer.js';
import { seededShuffle } from './seeded-shuffle.js';
import { tf, useTfjsBackend } from './tfjs-engine.js';

beforeAll(() => useTfjsBackend());

/** One step on p = [1, -2] with gradient [0.5, 0.5] at lr 0.1 and weight decay 0.1. */
function stepOnce(kind: 'adam' | 'adamw' | 'sgd'): number[] {
  const parameter = tf.variable(tf.tensor1d([1, -2]), true, `p-${kind}`);
  const optimizer = new Optimizer([parameter], { kind, weightDecay: 0.1 });
  optimizer.apply({ [parameter.name]: tf.tensor1d([0.5, 0.5]) }, 0.1);
  const values = [...parameter.dataSync()];
  optimizer.dispose();
  parameter.dispose();
  return values;
}

describe('Optimizer', () => {
  it('SGD adds weight decay to the gradient', () => {
    const [a, b] = stepOnce('sgd');
    expect(a).toBeCloseTo(1 - 0.1 * (0.5 + 0.1 * 1), 6);
    expect(b).toBeCloseTo(-2 - 0.1 * (0.5 + 0.1 * -2), 6);
  });

  it("Adam's first step moves each parameter by lr against the sign of its decayed gradient", () => {
    const [a, b] = stepOnce('adam');
    expect(a).toBeCloseTo(0.9, 5);
    expect(b).toBeCloseTo(-2.1, 5);
  });

  it('AdamW shrinks the parameter by lr * wd, decoupled from the moments', () => {
    const [a, b] = stepOnce('adamw');
    expect(a).toBeCloseTo(1 * (1 - 0.01) - 0.1, 5);
    expect(b).toBeCloseTo(-2 * (1 - 0.01) - 0.1, 5);
  });
});

describe('cosineLearningRate', () => {
  it('falls from lr to lr_min along a half cosine', () => {
    const settings = { lr: 1e-3, lrMin: 1e-5, totalSteps: 11 };
    expect(cosineLearningRate(0, settings)).toBeCloseTo(1e-3, 12);
    expect(cosineLearningRate(5, settings)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(cosineLearningRate(10, settings)).toBeCloseTo(1e-5, 12);
  });

  it('warms up linearly first', () => {
    expect(cosineLearningRate(0, { lr: 1, lrMin: 0, totalSteps: 10, warmupSteps: 4 })).toBe(0.25);
  });
});

describe('seededShuffle', () => {
  it('gives one order per seed, a permutation of the input', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    expect(seededShuffle(items, 3)).toEqual(seededShuffle(items, 3));
    expect(seededShuffle(items, 3)).not.toEqual(seededShuffle(items, 4));
    expect([...seededShuffle(items, 3)].sort((a, b) => a - b)).toEqual(items);
  });
});
