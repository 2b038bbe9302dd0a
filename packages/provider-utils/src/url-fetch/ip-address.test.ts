import { describe, expect, it } from 'vitest';
import { nonPublicAddressKind, parseIpAddress, parseIpRange } from './ip-address.js';
import { parsePrivateHostAllowList } from './private-host-allow-list.js';

const kindOf = (address: string) => nonPublicAddressKind(parseIpAddress(address) as Uint8Array);
/** The host as the WHATWG URL parser leaves it, which is what the guard sees. */
const hostOf = (url: string) => new URL(url).hostname;

describe('nonPublicAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:101::1', 'private'],
  ])('%s is %s', (address, kind) => {
    expect(kindOf(address)).toContain(kind);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(kindOf(address)).toBeUndefined();
    },
  );

  it.each([
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://0xa9.0xfe.0xa9.0xfe/', 'link-local'],
  ])('the host of %s, in decimal, octal, hex or IPv6 form, is %s', (url, kind) => {
    expect(kindOf(hostOf(url))).toContain(kind);
  });
});

describe('parseIpRange', () => {
  it('reads IPv4 and IPv6 CIDRs and refuses prefixes that do not fit', () => {
    expect(parseIpRange('10.0.0.0/8')?.prefixLength).toBe(8);
    expect(parseIpRange('fd00::/8')?.network.length).toBe(16);
    expect(parseIpRange('10.0.0.0/33')).toBeUndefined();
    expect(parseIpRange('minio.internal/8')).toBeUndefined();
  });
});

describe('parsePrivateHostAllowList', () => {
  const allowList = parsePrivateHostAllowList(['Minio.Internal', '10.0.0.0/8', '192.168.1.5', 'fd00::/8']);

  it('matches names case-insensitively, without a trailing dot', () => {
    expect(allowList.allowsName('minio.internal.')).toBe(true);
    expect(allowList.allowsName('other.internal')).toBe(false);
  });

  it('matches addresses inside a CIDR, exact addresses and their IPv4-mapped forms', () => {
    const allows = (address: string) => allowList.allowsAddress(parseIpAddress(address) as Uint8Array);
    expect(allows('10.200.3.4')).toBe(true);
    expect(allows('::ffff:10.200.3.4')).toBe(true);
    expect(allows('192.168.1.5')).toBe(true);
    expect(allows('192.168.1.6')).toBe(false);
    expect(allows('fd00::9')).toBe(true);
    expect(allows('127.0.0.1')).toBe(false);
  });
});
