/** What `/health` reports of the provider. */
export interface BankStoreHealthResult {
  status: 'ok' | 'error';
  message?: string;
}

export interface BankStoreHealthOptions {
  /** One look at the store (listing the banks); it throws when the store cannot answer. */
  probe(): Promise<unknown>;
  /** How long an answer stands before the next check starts a new look. Default 1000. */
  refreshMs?: number;
  /** A look still unanswered after this long is reported as an error. Default 10000. */
  timeoutMs?: number;
}

/**
 * The provider's answer to `/health`, from a look at the store at most every `refreshMs`, taken in
 * the background: the last answer is given at once meanwhile. `/health` is asked often (by load
 * balancers, or back to back), and a listing waits in LanceDB's native runtime behind a large write:
 * while a 15 MB insert was written, each `/health` that listed the banks took hundreds of
 * milliseconds, though the event loop was free. A look that does not answer within `timeoutMs` is
 * reported as an error, so a store that hangs still shows. Only the first check waits for its look.
 */
export class BankStoreHealth {
  readonly #probe: () => Promise<unknown>;
  readonly #refreshMs: number;
  readonly #timeoutMs: number;
  #last: BankStoreHealthResult | undefined;
  #answeredAt = 0;
  #pending: Promise<BankStoreHealthResult> | undefined;
  #startedAt = 0;

  constructor(options: BankStoreHealthOptions) {
    this.#probe = options.probe;
    this.#refreshMs = options.refreshMs ?? 1_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async check(): Promise<BankStoreHealthResult> {
    const now = performance.now();
    if (this.#pending && now - this.#startedAt >= this.#timeoutMs) {
      return {
        status: 'error',
        message: `LanceDB has not answered a listing of the memory banks for ${Math.round((now - this.#startedAt) / 1000)} s; check the storage at the provider's uri.`,
      };
    }
    if (!this.#pending && (!this.#last || now - this.#answeredAt >= this.#refreshMs)) this.#look(now);
    return this.#last ?? (await this.#pending!);
  }

  #look(now: number): void {
    this.#startedAt = now;
    this.#pending = this.#probe()
      .then(
        (): BankStoreHealthResult => ({ status: 'ok' }),
        (error: unknown): BankStoreHealthResult => ({
          status: 'error',
          message: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((result) => {
        this.#last = result;
        this.#answeredAt = performance.now();
        this.#pending = undefined;
        return result;
      });
  }
}
