import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyValueStore } from './store/key-value-store.js';

interface Lease {
  token: string;
  /** Milliseconds since the epoch; the holder renews it while the turn runs. */
  expires_at: number;
}

export interface SessionTurnLeaseOptions {
  /** How long a lease outlives a holder that stopped renewing it (its process died). Default 30 s. */
  leaseMs?: number;
  /** How often a turn waiting for the lease looks again. Default 50 ms. */
  pollMs?: number;
}

/**
 * Takes the lease on a session's turns in `store`, which every server process of the distribution
 * shares (Redis behind a load balancer): a turn reads the session's history and appends to it, so
 * two turns of one session on two servers at once would both answer the same history.
 * `SessionTurnQueue` orders the turns within a process; this orders them across processes. The
 * lease is renewed while held, and taken over once it expires (its holder died). Answers the
 * function that gives it back.
 */
export async function takeSessionTurnLease(
  store: KeyValueStore,
  key: string,
  signal: AbortSignal | undefined,
  { leaseMs = 30_000, pollMs = 50 }: SessionTurnLeaseOptions = {},
): Promise<() => Promise<void>> {
  const token = randomUUID();
  const lease = (): Lease => ({ token, expires_at: Date.now() + leaseMs });
  for (;;) {
    signal?.throwIfAborted();
    if (await store.create(key, lease())) break;
    const held = await store.get<Lease>(key);
    if (held && held.expires_at < Date.now()) {
      // Looked at again just before, so a lease renewed meanwhile is left alone.
      const again = await store.get<Lease>(key);
      if (again?.token === held.token) await store.delete(key);
      continue;
    }
    await sleep(pollMs, undefined, signal ? { signal } : {});
  }
  const renew = setInterval(() => {
    store.set(key, lease()).catch(() => undefined);
  }, leaseMs / 3);
  renew.unref();
  return async () => {
    clearInterval(renew);
    const held = await store.get<Lease>(key).catch(() => undefined);
    if (held?.token === token) await store.delete(key);
  };
}
