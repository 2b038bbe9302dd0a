import { describe, expect, it } from 'vitest';
import { SessionTurnQueue } from './session-turn-queue.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SessionTurnQueue', () => {
  it('runs the turns of one session one at a time, in arrival order', async () => {
    const queue = new SessionTurnQueue();
    const events: string[] = [];
    let running = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const leave = await queue.enter('a:s');
        running += 1;
        expect(running).toBe(1);
        events.push(`start ${index}`);
        await tick();
        events.push(`end ${index}`);
        running -= 1;
        leave();
      }),
    );
    expect(events).toEqual(
      Array.from({ length: 10 }, (_, index) => [`start ${index}`, `end ${index}`]).flat(),
    );
    expect(queue.size).toBe(0);
  });

  it('lets turns of other sessions run meanwhile', async () => {
    const queue = new SessionTurnQueue();
    const leaveA = await queue.enter('a:s');
    const leaveB = await queue.enter('a:t');
    leaveA();
    leaveB();
  });

  it('drops a waiting turn whose signal aborts, and the turns after it still run in order', async () => {
    const queue = new SessionTurnQueue();
    const leaveFirst = await queue.enter('a:s');
    const controller = new AbortController();
    const aborted = queue.enter('a:s', controller.signal);
    const third = queue.enter('a:s');
    controller.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');
    let thirdEntered = false;
    void third.then(() => {
      thirdEntered = true;
    });
    await tick();
    expect(thirdEntered).toBe(false);
    leaveFirst();
    (await third)();
    await tick();
    expect(queue.size).toBe(0);
  });
});
