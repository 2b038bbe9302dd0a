import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address as its bytes. */
export type IpBytes = Uint8Array;

/**
 * The bytes of an IP address in its canonical form (`127.0.0.1`, `::ffff:7f00:1`, `fe80::1%eth0`);
 * `undefined` for anything else. Legacy IPv4 spellings (`2130706433`, `0x7f.1`, `0177.0.0.1`) are
 * not addresses here: WHATWG URL parsing turns them into the dotted form before they get here.
 */
export function parseIpAddress(text: string): IpBytes | undefined {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (isIPv6(address)) return ipv6Bytes(address.replace(/%.*$/, ''));
  return undefined;
}

function ipv6Bytes(address: string): IpBytes {
  const bytes = new Uint8Array(16);
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) text = `${text.slice(0, -dotted.length)}0:0`;
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (dotted) bytes.set(dotted.split('.').map(Number), 12);
  return bytes;
}

/** A CIDR block: the network's bytes and how many leading bits must match. */
export interface IpRange {
  network: IpBytes;
  prefixLength: number;
}

/** `10.0.0.0/8` or `fd00::/8` as a range; `undefined` when it is not one. */
export function parseIpRange(text: string): IpRange | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const network = parseIpAddress(match[1]!);
  const prefixLength = Number(match[2]);
  if (!network || prefixLength > network.length * 8) return undefined;
  return { network, prefixLength };
}

export function isInRange(address: IpBytes, { network, prefixLength }: IpRange): boolean {
  if (address.length !== network.length) return false;
  const fullBytes = Math.floor(prefixLength / 8);
  for (let index = 0; index < fullBytes; index++) if (address[index] !== network[index]) return false;
  const restBits = prefixLength % 8;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return (address[fullBytes]! & mask) === (network[fullBytes]! & mask);
}

interface NamedRange extends IpRange {
  name: string;
}

function named(cidr: string, name: string): NamedRange {
  return { ...(parseIpRange(cidr) as IpRange), name };
}

/** Where a fetch on a user's behalf must not go unless the distribution allows the host. */
const nonPublicRanges: readonly NamedRange[] = [
  named('0.0.0.0/8', 'an unspecified ("this network") address'),
  named('10.0.0.0/8', 'a private (RFC 1918) address'),
  named('100.64.0.0/10', 'a carrier-grade NAT (RFC 6598) address'),
  named('127.0.0.0/8', 'a loopback address'),
  named('169.254.0.0/16', 'a link-local address (where cloud metadata services answer)'),
  named('172.16.0.0/12', 'a private (RFC 1918) address'),
  named('192.0.0.0/24', 'an IETF protocol assignment address'),
  named('192.168.0.0/16', 'a private (RFC 1918) address'),
  named('198.18.0.0/15', 'a benchmarking (RFC 2544) address'),
  named('224.0.0.0/4', 'a multicast address'),
  named('240.0.0.0/4', 'a reserved or broadcast address'),
  named('::/128', 'the unspecified address'),
  named('::1/128', 'a loopback address'),
  named('fc00::/7', 'a unique local (ULA) address'),
  named('fe80::/10', 'a link-local address'),
  named('fec0::/10', 'a site-local address'),
  named('ff00::/8', 'a multicast address'),
];

/**
 * IPv6 forms that carry an IPv4 address inside: mapped (`::ffff:127.0.0.1`), compatible
 * (`::127.0.0.1`), NAT64 (`64:ff9b::7f00:1`) and 6to4 (`2002:7f00:1::`): the IPv4 one is judged.
 */
const embeddingIpv4: readonly { range: IpRange; offset: number }[] = [
  { range: parseIpRange('::ffff:0:0/96') as IpRange, offset: 12 },
  { range: parseIpRange('::/96') as IpRange, offset: 12 },
  { range: parseIpRange('64:ff9b::/96') as IpRange, offset: 12 },
  { range: parseIpRange('2002::/16') as IpRange, offset: 2 },
];

/** The IPv4 address an IPv6 address stands for (see `embeddingIpv4`), else the address itself. */
export function effectiveAddress(address: IpBytes): IpBytes {
  if (address.length !== 16) return address;
  // `::` and `::1` are themselves, not the IPv4 addresses 0.0.0.0 and 0.0.0.1.
  const isUnspecifiedOrLoopback = address.slice(0, 15).every((byte) => byte === 0) && address[15]! <= 1;
  if (isUnspecifiedOrLoopback) return address;
  for (const { range, offset } of embeddingIpv4) {
    if (isInRange(address, range)) return address.slice(offset, offset + 4);
  }
  return address;
}

/**
 * What kind of non-public address `address` is (`a loopback address`), or `undefined` when it is
 * a public one. IPv6 forms carrying an IPv4 address are judged by that address.
 */
export function nonPublicAddressKind(address: IpBytes): string | undefined {
  const effective = effectiveAddress(address);
  return nonPublicRanges.find((range) => isInRange(effective, range))?.name;
}
