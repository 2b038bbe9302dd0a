import type { BatchItem } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { fullBatchStrategy } from './full-batch-strategy.js';

const item = (tokens: number): BatchItem => ({
  tokens: Array.from({ length: tokens }, (_, index) => index) as unknown as BatchItem['tokens'],
  logits: [],
  evaluationPriority: 5,
});
const amounts = (batch: { processAmount: number }[]) => batch.map((entry) => entry.processAmount);

describe('fullBatchStrategy', () => {
  it('waits for the sequence the previous batch held, then takes everyone', () => {
    const strategy = fullBatchStrategy(8);
    const [a, b, c, d] = [item(1), item(1), item(1), item(1)];
    expect(amounts(strategy({ items: [a, b, c, d], size: 512 }))).toEqual([1, 1, 1, 1]);
    expect(strategy({ items: [a, b, c], size: 512 })).toEqual([]);
    expect(strategy({ items: [a, b, c], size: 512 })).toEqual([]);
    const full = strategy({ items: [a, b, c, d], size: 512 });
    expect(full.map((entry) => entry.item)).toEqual([a, b, c, d]);
  });

  it('decodes what is queued after maxWaits looks, and waits for no more than that from then on', () => {
    const strategy = fullBatchStrategy(3);
    const [a, b, c] = [item(1), item(1), item(1)];
    strategy({ items: [a, b, c], size: 512 });
    for (let look = 0; look < 3; look++) expect(strategy({ items: [a, b], size: 512 })).toEqual([]);
    expect(amounts(strategy({ items: [a, b], size: 512 }))).toEqual([1, 1]);
    expect(amounts(strategy({ items: [a, b], size: 512 }))).toEqual([1, 1]);
    // Starts counting afresh once it has decoded.
    expect(strategy({ items: [a], size: 512 })).toEqual([]);
  });

  it('never waits with a single sequence or more sequences than before', () => {
    const strategy = fullBatchStrategy();
    expect(amounts(strategy({ items: [item(1)], size: 512 }))).toEqual([1]);
    expect(amounts(strategy({ items: [item(1), item(3)], size: 512 }))).toEqual([1, 3]);
  });

  it('gives every sequence an equal share of the slots before a long prompt takes the rest', () => {
    const strategy = fullBatchStrategy();
    expect(amounts(strategy({ items: [item(600), item(1), item(1)], size: 512 }))).toEqual([510, 1, 1]);
    expect(amounts(strategy({ items: [item(600), item(300), item(1)], size: 512 }))).toEqual([256, 255, 1]);
  });

  it('leaves out sequences that no slot is left for, rather than hand them none', () => {
    const strategy = fullBatchStrategy();
    const batch = strategy({ items: [item(5), item(5), item(5)], size: 2 });
    expect(amounts(batch)).toEqual([1, 1]);
  });
});
