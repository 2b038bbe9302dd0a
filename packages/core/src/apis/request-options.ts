/** What every protocol method receives beside its request. */
export interface RequestOptions {
  /** Aborted when the client disconnects or the server shuts down; providers stop work at once. */
  signal?: AbortSignal;
}
