import type { ProviderLogger } from '@llama-stack-ts/core';
import type { OpenBank } from '../banks/open-bank.js';
import type { VectorIndexConfig } from '../lancedb-config.js';
import type { KeyedMutex } from '../storage/keyed-mutex.js';
import type { LanceDbBankStore } from '../storage/lancedb-bank-store.js';
import { optimizeTable } from './optimize-table.js';
import { VectorIndexBuilds } from './vector-index-builds.js';

export interface BankMaintenanceOptions {
  store: LanceDbBankStore;
  /** The banks' write locks: a reindex runs under its bank's, queued behind the writes. */
  writes: KeyedMutex;
  vectorIndex: VectorIndexConfig;
  logger?: ProviderLogger | undefined;
}

/** How long writes to a bank pause before their reindex runs, and how many run before it at most. */
const reindexDelayMs = 200;
const reindexAfterWrites = 16;
const documentsCompactionEvery = 20;

/**
 * Keeps open banks searchable after writes: folds new rows into the full-text and vector indexes,
 * compacts fragments, and starts vector index builds when they are due.
 *
 * LanceDB searches rows its full-text index has not taken in yet by a fallback that misses matches
 * (measured on 0.22: a term in two of two unindexed rows is not found, and a filtered search finds
 * none), so keyword searches wait for the bank's pending reindex (`flush`): they then see exactly
 * what was written. Vector search sees unindexed rows as they are.
 */
export class BankMaintenance {
  private readonly vectorIndexBuilds: VectorIndexBuilds;

  constructor(private readonly options: BankMaintenanceOptions) {
    this.vectorIndexBuilds = new VectorIndexBuilds({
      store: options.store,
      config: options.vectorIndex,
      logger: options.logger,
    });
  }

  /**
   * Called by each write, under the write lock. The reindex runs once writes to the bank pause for
   * `reindexDelayMs`, or at once every `reindexAfterWrites` writes, queued under the write lock: a
   * write returns without it, and a run of writes (a client ingesting request after request) shares
   * one.
   */
  afterWrite(bank: OpenBank): void {
    bank.writesSinceReindex += 1;
    clearTimeout(bank.reindexTimer);
    bank.reindexTimer = undefined;
    if (bank.writesSinceReindex >= reindexAfterWrites) {
      void this.flush(bank);
      return;
    }
    bank.reindexTimer = setTimeout(() => void this.flush(bank), reindexDelayMs);
    bank.reindexTimer.unref();
  }

  /** Queues the bank's pending reindex now, if any; settles once the last one queued has run. */
  flush(bank: OpenBank): Promise<void> {
    clearTimeout(bank.reindexTimer);
    bank.reindexTimer = undefined;
    if (bank.writesSinceReindex === 0 || bank.reindexQueued) return bank.reindexed;
    bank.reindexQueued = true;
    bank.reindexed = this.options.writes.run(bank.record.uuid, async () => {
      bank.reindexQueued = false;
      bank.writesSinceReindex = 0;
      if (!bank.closed) await this.reindex(bank);
    });
    return bank.reindexed;
  }

  /**
   * A bank just opened: rows a previous process wrote but did not index (it stopped in between) are
   * indexed now; otherwise its vector index is built if one is due.
   */
  resume(bank: OpenBank, unindexedFullTextRows: number): void {
    if (unindexedFullTextRows > 0) this.afterWrite(bank);
    else this.vectorIndexBuilds.startIfDue(bank);
  }

  /**
   * Runs under the write lock: optimizes the chunks table (folds new rows into its indexes and
   * compacts its fragments, tens of milliseconds for thousands of chunks) and starts a vector index
   * build if one is due. The documents table, which has no index, is compacted every
   * `documentsCompactionEvery` reindexes. A failure here leaves the write in place.
   */
  async reindex(bank: OpenBank): Promise<void> {
    try {
      await optimizeTable(bank.tables.chunks);
      bank.vectorIndex.chunkCount = await bank.tables.chunks.countRows();
      this.vectorIndexBuilds.startIfDue(bank);
      bank.reindexesSinceDocumentsCompaction += 1;
      if (bank.reindexesSinceDocumentsCompaction >= documentsCompactionEvery) {
        bank.reindexesSinceDocumentsCompaction = 0;
        await optimizeTable(bank.tables.documents);
      }
    } catch (error) {
      this.options.logger?.warn(
        `indexing the last write to memory bank '${bank.record.uuid}' failed; keyword search may miss it until the next write`,
        { error: error instanceof Error ? error.message : String(error) },
      );
    }
  }

  /** Whether a vector index build is running. */
  get building(): boolean {
    return this.vectorIndexBuilds.running;
  }

  /** Settles once every vector index build running now has settled. */
  buildsSettled(): Promise<void> {
    return this.vectorIndexBuilds.settled();
  }
}
