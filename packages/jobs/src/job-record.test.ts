import { describe, expect, it } from 'vitest';
import { parsePartsState, sumPartsProgress } from './job-record.js';

describe('sumPartsProgress', () => {
  it("sums the parts' counts and their numeric details, a done part counting whole", () => {
    const parts = parsePartsState({
      'part:0': JSON.stringify({ completed: 3, total: 4, details: { succeeded: 2, failed: 1, stage: 'x' } }),
      'part:1': JSON.stringify({ completed: 4, total: 4, details: { succeeded: 4 }, done: true }),
    });
    expect(sumPartsProgress(3, parts)).toEqual({
      completed: 7,
      total: 9,
      details: { succeeded: 6, failed: 1 },
    });
  });

  it('leaves details out when no part reported numeric ones', () => {
    const parts = parsePartsState({ 'part:0': JSON.stringify({ completed: 1, total: 2 }) });
    expect(sumPartsProgress(1, parts)).toEqual({ completed: 1, total: 2 });
  });
});
