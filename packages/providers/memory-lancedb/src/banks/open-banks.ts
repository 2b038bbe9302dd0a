import { ConflictError, NotFoundError } from '@llama-stack-ts/core';
import type { BankMaintenance } from '../maintenance/bank-maintenance.js';
import { unindexedFullTextRows } from '../storage/full-text-index.js';
import type { LanceDbBankStore } from '../storage/lancedb-bank-store.js';
import { readVectorIndexState } from '../storage/vector-index.js';
import { type OpenBank, openBank } from './open-bank.js';

/** The 404 of a bank uuid that names no bank. */
export function unknownBankError(uuid: string): NotFoundError {
  return new NotFoundError(
    'memory bank',
    uuid,
    'Create it with POST /memory_banks/create, or list banks with GET /memory_banks/get.',
  );
}

export interface OpenBanksOptions {
  /**
   * Other processes write the same uri (`read_consistency_interval_s` is set): a bank kept open is
   * checked on each use, since another process may have written it, dropped it, or dropped it and
   * created it again. A registry lookup and a table version check per request; without it, none.
   */
  shared: boolean;
}

/** The banks this process has open, by uuid: each one's tables are opened once and kept. */
export class OpenBanks {
  private readonly banks = new Map<string, Promise<OpenBank | undefined>>();

  constructor(
    private readonly store: LanceDbBankStore,
    private readonly maintenance: BankMaintenance,
    private readonly options: OpenBanksOptions = { shared: false },
  ) {}

  /** The open bank, or `NotFoundError`. */
  async require(uuid: string): Promise<OpenBank> {
    if (this.options.shared) await this.checkShared(uuid);
    let pending = this.banks.get(uuid);
    if (!pending) {
      pending = this.open(uuid);
      this.banks.set(uuid, pending);
      // A miss is not kept: the bank may be created next.
      pending.then(
        (bank) => {
          if (!bank && this.banks.get(uuid) === pending) this.banks.delete(uuid);
        },
        () => {
          if (this.banks.get(uuid) === pending) this.banks.delete(uuid);
        },
      );
    }
    const bank = await pending;
    if (!bank) throw unknownBankError(uuid);
    return bank;
  }

  /** Under the write lock: the bank read before the lock was not dropped (or re-created) meanwhile. */
  async requireSame(bank: OpenBank): Promise<void> {
    const current = await this.require(bank.record.uuid);
    if (current !== bank) {
      throw new ConflictError(
        `Memory bank '${bank.record.uuid}' was dropped and created again while this request ran; send it again.`,
      );
    }
  }

  /** A bank just created, under its write lock. */
  add(bank: OpenBank): void {
    this.banks.set(bank.record.uuid, Promise.resolve(bank));
  }

  /** Forgets a bank being dropped, under its write lock; answers it if it was open. */
  async remove(uuid: string): Promise<OpenBank | undefined> {
    const bank = await this.banks.get(uuid);
    this.banks.delete(uuid);
    return bank;
  }

  /** Every bank open (or opening) now; one that failed to open is left out. */
  async all(): Promise<OpenBank[]> {
    const banks = await Promise.all(
      [...this.banks.values()].map((pending) => pending.catch(() => undefined)),
    );
    return banks.filter((bank) => bank !== undefined);
  }

  /**
   * Checks the bank kept open under `uuid` against what other processes did. Dropped (or dropped
   * and created again): it is forgotten, and the next `require` opens it anew. Written: its chunk
   * count and vector index are read again, since they decide how a query searches.
   */
  private async checkShared(uuid: string): Promise<void> {
    const pending = this.banks.get(uuid);
    const bank = await pending?.catch(() => undefined);
    if (!bank) return;
    const record = await this.store.findBank(uuid);
    if (this.banks.get(uuid) !== pending) return;
    if (record?.createdAt === bank.record.createdAt) {
      const version = await bank.tables.chunks.version();
      if (version !== bank.chunksVersion) {
        Object.assign(bank.vectorIndex, await readVectorIndexState(bank.tables.chunks));
        bank.chunksVersion = version;
      }
      return;
    }
    this.banks.delete(uuid);
    bank.closed = true;
    clearTimeout(bank.reindexTimer);
    // A build in progress stops at its next step; its tables close once it has.
    void Promise.resolve(bank.vectorIndexBuild).finally(() => {
      bank.tables.documents.close();
      bank.tables.chunks.close();
    });
  }

  clear(): void {
    this.banks.clear();
  }

  private async open(uuid: string): Promise<OpenBank | undefined> {
    const record = await this.store.findBank(uuid);
    if (!record) return undefined;
    const tables = await this.store.openBankTables(record);
    const [vectorIndex, unindexedRows] = await Promise.all([
      readVectorIndexState(tables.chunks),
      unindexedFullTextRows(tables.chunks),
    ]);
    const bank = openBank(record, tables, vectorIndex);
    this.maintenance.resume(bank, unindexedRows);
    return bank;
  }
}
