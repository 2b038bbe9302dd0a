import { describe, expect, it } from 'vitest';
import { BankStoreHealth } from './bank-store-health.js';

/** A look at the store that the test answers when it wants, counting how many were started. */
function controlledProbe() {
  const looks: { resolve(): void; reject(error: Error): void }[] = [];
  return {
    looks,
    probe: () =>
      new Promise<void>((resolve, reject) => {
        looks.push({ resolve, reject });
      }),
  };
}

describe('BankStoreHealth', () => {
  it('waits for the first look only, and answers from it until refreshMs has passed', async () => {
    const { looks, probe } = controlledProbe();
    const health = new BankStoreHealth({ probe, refreshMs: 60_000 });
    const first = health.check();
    looks[0]!.resolve();
    expect(await first).toEqual({ status: 'ok' });
    expect(await health.check()).toEqual({ status: 'ok' });
    expect(looks).toHaveLength(1);
  });

  it('answers the last result at once while a newer look runs, starts no second one meanwhile, then reports its failure', async () => {
    const { looks, probe } = controlledProbe();
    const health = new BankStoreHealth({ probe, refreshMs: 0 });
    const first = health.check();
    looks[0]!.resolve();
    await first;

    // The write that the look waits behind is not over: the checks answer the last result.
    expect(await health.check()).toEqual({ status: 'ok' });
    expect(await health.check()).toEqual({ status: 'ok' });
    expect(looks).toHaveLength(2);

    looks[1]!.reject(new Error('the bank directory is gone'));
    // Its answer settles in a few promise turns, all before the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await health.check()).toEqual({ status: 'error', message: 'the bank directory is gone' });
  });

  it('reports a look that has not answered within timeoutMs as an error', async () => {
    const { looks, probe } = controlledProbe();
    const health = new BankStoreHealth({ probe, timeoutMs: 0 });
    void health.check();
    const answer = await health.check();
    expect(answer.status).toBe('error');
    expect(answer.message).toMatch(/LanceDB has not answered a listing of the memory banks/);
    expect(looks).toHaveLength(1);
  });
});
