import type { Table } from '@lancedb/lancedb';

/**
 * Runs `write` (one or more commits to `tables`) so that it lands whole or not at all: when it
 * throws, every table it moved is restored to the version it had before. LanceDB commits each
 * write atomically per table; this extends that to the several tables of a bank. Callers hold the
 * bank's write lock, so no other write lands in between.
 */
export async function writeAtomically(tables: readonly Table[], write: () => Promise<void>): Promise<void> {
  const versions = await Promise.all(tables.map((table) => table.version()));
  try {
    await write();
  } catch (error) {
    const rollbacks = await Promise.allSettled(
      tables.map(async (table, index) => {
        const before = versions[index]!;
        if ((await table.version()) === before) return;
        await table.checkout(before);
        await table.restore();
      }),
    );
    const failed = rollbacks.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failed.length > 0) {
      throw new AggregateError(
        [error, ...failed.map((result) => result.reason)],
        'A memory bank write failed and restoring the tables it touched failed too; the bank may hold part of the write.',
      );
    }
    throw error;
  }
}

/**
 * Waits for every one of `writes` to settle, then throws the first failure, if any: a rollback
 * (see `writeAtomically`) must not start while another of them may still commit.
 */
export async function settleAll(writes: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
