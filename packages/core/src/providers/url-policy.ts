/**
 * Which URLs the stack may fetch on a user's behalf (documents, datasets, batch files, images):
 * the distribution's `url_fetch:` section. Everything else is refused with 403 before any
 * connection is made; `@llama-stack-ts/provider-utils`' `openUserUrl` applies it.
 */
export interface UrlPolicy {
  /** Directories a `file://` URL or a server path may point into (after resolving `..` and links). */
  allowedFileRoots: readonly string[];
  /**
   * Hosts that may be reached although they resolve to a loopback, private, link-local or
   * metadata address: names (`minio.internal`), addresses (`10.0.0.5`) or CIDRs (`10.0.0.0/8`).
   */
  allowedPrivateHosts: readonly string[];
}
