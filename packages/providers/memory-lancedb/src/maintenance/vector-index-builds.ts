import type { Table } from '@lancedb/lancedb';
import type { ProviderLogger } from '@llama-stack-ts/core';
import type { OpenBank } from '../banks/open-bank.js';
import type { VectorIndexConfig } from '../lancedb-config.js';
import type { LanceDbBankStore } from '../storage/lancedb-bank-store.js';
import { retryCommitConflicts } from '../storage/retry-commit-conflicts.js';
import { buildVectorIndex, vectorIndexBuildDue } from '../storage/vector-index.js';

export interface VectorIndexBuildsOptions {
  store: LanceDbBankStore;
  config: VectorIndexConfig;
  logger?: ProviderLogger | undefined;
}

/**
 * A build starts over this often when writes' compactions commit first (each one is a write that
 * landed during the build); past that, the next write starts it again.
 */
const maxVectorIndexBuildAttempts = 10;

/**
 * The vector index builds of open banks, at most one per bank, each in the background on a table
 * handle of its own: writes and queries go on meanwhile (queries stay exact, or use the previous
 * index, until it is done), and rows written during the build are searched unindexed until the
 * next write folds them in. A failed build is logged, search stays as it was, and the next write
 * starts it again.
 */
export class VectorIndexBuilds {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: VectorIndexBuildsOptions) {}

  /**
   * Starts a build of the bank's index when one is due: the bank reached `min_chunks`, or outgrew
   * the rows its index was trained on.
   */
  startIfDue(bank: OpenBank): void {
    const { config } = this.options;
    if (bank.closed || bank.vectorIndexBuild || !vectorIndexBuildDue(bank.vectorIndex, config)) return;
    const build = this.build(bank).finally(() => {
      bank.vectorIndexBuild = undefined;
      this.inFlight.delete(build);
    });
    bank.vectorIndexBuild = build;
    this.inFlight.add(build);
  }

  /** Whether any build is running. */
  get running(): boolean {
    return this.inFlight.size > 0;
  }

  /** Settles once every build running now has settled (a build never rejects: it logs its failure). */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async build(bank: OpenBank): Promise<void> {
    const { config, logger } = this.options;
    const uuid = bank.record.uuid;
    let chunks: Table | undefined;
    try {
      chunks = await this.options.store.openChunksTable(bank.record);
      const table = chunks;
      // A write's compaction may commit first; the build then starts over on the table as it is now.
      const built = await retryCommitConflicts(maxVectorIndexBuildAttempts, async (attempt) => {
        if (bank.closed) return undefined;
        await table.checkoutLatest();
        const rows = await table.countRows();
        if (rows < config.min_chunks) return undefined;
        const started = performance.now();
        await buildVectorIndex(table, config, bank.record.embeddingDimension);
        return { rows, attempt, started };
      });
      if (!built || bank.closed) return;
      // The shared handle reads the version the build committed (and any write after it). Not under
      // the write lock: a drop holds it while it waits for this build.
      await bank.tables.chunks.checkoutLatest();
      bank.vectorIndex.indexed = true;
      bank.vectorIndex.trainedRows = built.rows;
      bank.vectorIndex.chunkCount = await bank.tables.chunks.countRows();
      logger?.info(`built the ${config.type} vector index of memory bank '${uuid}'`, {
        chunks: built.rows,
        attempts: built.attempt,
        milliseconds: Math.round(performance.now() - built.started),
      });
    } catch (error) {
      logger?.warn(
        `building the vector index of memory bank '${uuid}' failed; its vector search stays as it was until a later write starts the build again`,
        { error: error instanceof Error ? error.message : String(error) },
      );
    } finally {
      chunks?.close();
    }
  }
}
