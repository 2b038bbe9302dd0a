/**
 * Sets LanceDB's native log level to `error`, unless `LANCEDB_LOG` is already set (a value the
 * user chose is kept: `LANCEDB_LOG=lance=debug,info` shows everything).
 *
 * Why: @lancedb/lancedb's native module prints its Rust log lines straight to stderr. It sets up
 * `env_logger` once, as the module loads, from `LANCEDB_LOG` (default `warn`), and offers no log
 * callback, so they cannot go through the stack's logger. The WARN lines it prints in normal work
 * are not actionable:
 * - "No existing dataset at …, it will be created", for both tables of every bank created;
 * - "KMeans: more than 10% of clusters are empty" and "partition N is empty, skipping", when a
 *   vector index trains on fewer rows than LanceDB aims for, as a bank's does from
 *   `vector_index.min_chunks` on (the search re-ranks exactly, see the README).
 * Errors still print: LanceDB logs at that level what it cannot hand back to a call (a cleanup
 * that failed after its commit landed).
 *
 * Call it before the first import of `@lancedb/lancedb` in the process; afterwards it changes
 * nothing. (In a worker thread `process.env` is a copy the native module does not read.)
 */
export function silenceLanceDbWarnings(): void {
  process.env.LANCEDB_LOG ??= 'error';
}
