import type { BankRecord } from '../storage/bank-tables.js';
import type { BankTables } from '../storage/lancedb-bank-store.js';
import type { VectorIndexState } from '../storage/vector-index.js';

/** A bank whose tables are open, with the state its maintenance keeps between writes. */
export interface OpenBank {
  record: BankRecord;
  tables: BankTables;
  /** Reindexes since the documents table was last compacted; it is every `documentsCompactionEvery`. */
  reindexesSinceDocumentsCompaction: number;
  vectorIndex: VectorIndexState;
  /** The chunks table's version `vectorIndex` was last read at, where other processes write the bank too. */
  chunksVersion?: number | undefined;
  /** The vector index build in progress (status: `building`), if any; a drop or dispose waits for it. */
  vectorIndexBuild?: Promise<void> | undefined;
  /** Set once the bank is dropped or the provider disposed: a build in progress stops at its next step. */
  closed: boolean;
  /** A reindex is queued behind the writes and has not started: the next write needs none of its own. */
  reindexQueued: boolean;
  /** Writes since the last reindex started; at `reindexAfterWrites` the next one starts at once. */
  writesSinceReindex: number;
  /** Starts the reindex once writes pause for `reindexDelayMs`. */
  reindexTimer?: NodeJS.Timeout | undefined;
  /** Settles once the last queued reindex has run; keyword searches wait for it. */
  reindexed: Promise<void>;
}

/** A bank just opened or created: nothing written through it yet, no reindex or build under way. */
export function openBank(record: BankRecord, tables: BankTables, vectorIndex: VectorIndexState): OpenBank {
  return {
    record,
    tables,
    reindexesSinceDocumentsCompaction: 0,
    vectorIndex,
    closed: false,
    reindexQueued: false,
    writesSinceReindex: 0,
    reindexed: Promise.resolve(),
  };
}
