import {
  effectiveAddress,
  type IpBytes,
  type IpRange,
  isInRange,
  parseIpAddress,
  parseIpRange,
} from './ip-address.js';

/** `url_fetch.allowed_private_hosts`, parsed: host names, and addresses or CIDRs as ranges. */
export interface PrivateHostAllowList {
  /** Whether the URL's host name is listed by name (then any address it resolves to is allowed). */
  allowsName(hostname: string): boolean;
  /** Whether an address is listed, or inside a listed CIDR. */
  allowsAddress(address: IpBytes): boolean;
}

/** Lower-cased, without a trailing dot or IPv6 brackets: `Minio.Internal.` → `minio.internal`. */
export function normalizeHostname(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.$/, '');
}

/**
 * Reads the entries of `allowed_private_hosts`: a CIDR (`10.0.0.0/8`), an address (`10.0.0.5`,
 * `fd00::5`) or a host name (`minio.internal`).
 */
export function parsePrivateHostAllowList(entries: readonly string[]): PrivateHostAllowList {
  const names = new Set<string>();
  const ranges: IpRange[] = [];
  for (const entry of entries) {
    const address = parseIpAddress(entry.trim());
    const range = address ? { network: address, prefixLength: address.length * 8 } : parseIpRange(entry);
    if (range) ranges.push(range);
    else names.add(normalizeHostname(entry.trim()));
  }
  return {
    allowsName: (hostname) => names.has(normalizeHostname(hostname)),
    allowsAddress: (address) =>
      ranges.some((range) => isInRange(address, range) || isInRange(effectiveAddress(address), range)),
  };
}
