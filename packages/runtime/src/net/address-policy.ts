import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { EnvError } from '../errors.js';

/** What WADM_WEBHOOK_ALLOW lets through: host names (with a port or any) and address ranges. */
export interface AllowList {
  hosts: readonly { host: string; port: number | undefined }[];
  ranges: BlockList;
  /** The entries as written, for logs. */
  entries: readonly string[];
}

type Family = 'ipv4' | 'ipv6';

/** Ranges no webhook may reach unless allow-listed, each with what it is. */
const REFUSED: readonly (readonly [string, number, Family, string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const REFUSED_LISTS = REFUSED.map(([network, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, kind };
});

/** The eight 16-bit groups of an IPv6 address (a zone id is dropped). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * The IPv4 address an IPv6 one carries (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
 * `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), so that `::ffff:127.0.0.1` is judged as 127.0.0.1.
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zeroTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  const mapped = zeroTo(5) && g[5] === 0xffff;
  const compatible = zeroTo(6) && ((g[6] ?? 0) !== 0 || (g[7] ?? 0) > 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !compatible && !nat64) return undefined;
  const hi = g[6] ?? 0;
  const lo = g[7] ?? 0;
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function familyOf(address: string): Family {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** Why an address is refused (`loopback`, `private` …), or undefined for a public one. */
export function refusedKind(address: string): string | undefined {
  const inner = familyOf(address) === 'ipv6' ? embeddedIpv4(address) : undefined;
  const checked = inner ?? address;
  const family = familyOf(checked);
  return REFUSED_LISTS.find(({ list }) => list.check(checked, family))?.kind;
}

/** A host name or IP literal as the URL has it, without IPv6 brackets, lower case. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Every address `host` (a bare host, see `bareHost`) stands for: itself when it is an IP literal,
 * else all that DNS answers, so that the policy checks each one. Rejects when DNS fails.
 */
export async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/** Parses `host`, `host:port`, `[v6]:port`, an address or a CIDR, comma-separated. */
export function parseAllowList(raw: string, variable: string): AllowList {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const hosts: { host: string; port: number | undefined }[] = [];
  const ranges = new BlockList();
  for (const entry of entries) {
    const bad = (why: string): EnvError =>
      new EnvError(variable, `${JSON.stringify(entry)}: ${why}`);
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const [, network = '', prefix = ''] = cidr;
      const family = isIP(network);
      const bits = Number(prefix);
      if (family === 0 || bits > (family === 4 ? 32 : 128)) throw bad('not a valid CIDR');
      ranges.addSubnet(network, bits, family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const bare = bareHost(entry);
    if (isIP(bare) !== 0) {
      ranges.addAddress(bare, familyOf(bare));
      continue;
    }
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
    const host = bareHost(withPort?.[1] ?? entry);
    const port = withPort?.[2] === undefined ? undefined : Number(withPort[2]);
    if (port !== undefined && (port < 1 || port > 65_535)) throw bad('port out of range');
    if (
      isIP(host) === 0 &&
      !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)
    ) {
      throw bad('expected host, host:port, an IP address or a CIDR');
    }
    hosts.push({ host, port });
  }
  return { hosts, ranges, entries };
}

/** The port a URL connects to. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * Why a webhook to `url` resolving to `addresses` is refused, or undefined when it may go.
 * Every address must pass, so a host cannot hide a private address behind a public one.
 */
export function refusal(
  url: URL,
  addresses: readonly string[],
  allow: AllowList,
): { address: string; kind: string } | undefined {
  const host = bareHost(url.hostname);
  const port = portOf(url);
  if (allow.hosts.some((h) => h.host === host && (h.port === undefined || h.port === port))) {
    return undefined;
  }
  for (const address of addresses) {
    if (allow.ranges.check(address, familyOf(address))) continue;
    const kind = refusedKind(address);
    if (kind) return { address, kind };
  }
  return undefined;
}
