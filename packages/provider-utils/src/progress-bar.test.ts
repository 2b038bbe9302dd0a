import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';

describe('ProgressBar', () => {
  it('counts in its unit and marks work that did not finish', () => {
    const writes: string[] = [];
    const bar = new ProgressBar({
      label: 'Batch job-1',
      unit: 'lines',
      stream: { write: (t: string) => writes.push(t) },
    });
    bar.update(0, 8);
    bar.update(1, 8);
    bar.update(4, 8);
    bar.finish(true);
    expect(writes).toEqual([
      'Batch job-1 [------------------------] 0% 0/8 lines\n',
      'Batch job-1 [############------------] 50% 4/8 lines\n',
      'Batch job-1 [############------------] 50% 4/8 lines failed\n',
    ]);
  });
});
