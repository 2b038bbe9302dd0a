/**
 * Where the agents provider keeps agents, sessions and turns: string keys, JSON values. Keys use
 * `:` as a separator; `list(prefix)` answers every key that starts with `prefix`, sorted.
 * `dispose()` releases files or connections and is idempotent; calls after it throw `DisposedError`.
 */
export interface KeyValueStore extends AsyncDisposable {
  get<Value>(key: string): Promise<Value | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /**
   * Sets the key only when it is absent, as one atomic step across every handle on the store (other
   * server processes too); answers whether it did.
   */
  create(key: string, value: unknown): Promise<boolean>;
  /** Answers whether the key existed. */
  delete(key: string): Promise<boolean>;
  /** The keys that start with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  readonly disposed: boolean;
  dispose(): Promise<void>;
}
