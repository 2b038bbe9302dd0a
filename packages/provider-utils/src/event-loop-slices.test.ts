import { describe, expect, it } from 'vitest';
import { EventLoopSlices } from './event-loop-slices.js';

describe('EventLoopSlices', () => {
  it('lets a timer due meanwhile run between slices of a busy loop', async () => {
    const slices = new EventLoopSlices(5);
    let timerRanAfterIterations: number | undefined;
    let iterations = 0;
    setTimeout(() => {
      timerRanAfterIterations = iterations;
    }, 0);
    const started = performance.now();
    while (performance.now() - started < 100) {
      iterations += 1;
      if (slices.due()) await slices.next();
    }
    expect(timerRanAfterIterations).toBeGreaterThan(0);
    expect(timerRanAfterIterations).toBeLessThan(iterations);
  });

  it('resumes one slice per turn of the event loop, however many loops slice at once', async () => {
    const turns: number[] = [];
    // An immediate queued by an immediate runs on the next turn: this counts the turns.
    let turn = 0;
    let counting = true;
    const count = () => {
      turn += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const loop = async () => {
      const slices = new EventLoopSlices(0);
      for (let slice = 0; slice < 5; slice++) {
        await slices.next();
        turns.push(turn);
      }
    };
    // Three loops resuming 15 times in all: were they resumed together, they would share turns.
    await Promise.all([loop(), loop(), loop()]);
    counting = false;
    expect(new Set(turns).size).toBe(15);
  });

  it('throws when the signal was aborted while the loop was paused', async () => {
    const slices = new EventLoopSlices(0);
    await expect(slices.next(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
