import { describe, expect, it } from 'vitest';
import { defaultThreadCount, resolveThreadCount } from './default-thread-count.js';

describe('defaultThreadCount', () => {
  it('uses one thread on a machine with 2 or fewer cores', () => {
    expect(defaultThreadCount({ logicalCores: 1, mathCores: 1 })).toBe(1);
    expect(defaultThreadCount({ logicalCores: 2, mathCores: 2 })).toBe(1);
    expect(defaultThreadCount({ logicalCores: 2, mathCores: 1 })).toBe(1);
  });

  it('leaves one logical core free and stays within the math cores', () => {
    expect(defaultThreadCount({ logicalCores: 4, mathCores: 4 })).toBe(3);
    expect(defaultThreadCount({ logicalCores: 16, mathCores: 8 })).toBe(8);
    expect(defaultThreadCount({ logicalCores: 8, mathCores: 8 })).toBe(7);
  });
});

describe('resolveThreadCount', () => {
  it('keeps an explicit count', () => {
    expect(resolveThreadCount(3, 2)).toBe(3);
  });

  it("resolves 'auto' to at least one thread", () => {
    expect(resolveThreadCount('auto', 1)).toBeGreaterThanOrEqual(1);
  });
});
