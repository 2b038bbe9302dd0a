import type { Table } from '@lancedb/lancedb';
import { retryCommitConflicts } from '../storage/retry-commit-conflicts.js';

/**
 * Compacts small fragments, folds new rows into the indexes, and removes versions older than ten
 * minutes (kept that long so reads that started on them can finish).
 */
export async function optimizeTable(table: Table): Promise<void> {
  // A vector index build may commit between this compaction's read and its commit: once more, on top.
  await retryCommitConflicts(2, () =>
    table.optimize({ cleanupOlderThan: new Date(Date.now() - 10 * 60_000) }),
  );
}
