// Where a script's request may connect. The allow-list names hosts, but a name is only as good as
// what it resolves to: an allowed name pointing at 127.0.0.1 or 169.254.169.254 would hand the
// script the server's own loopback services or the cloud metadata endpoint. So every name is
// resolved once, here, each address is checked, and the request connects to that very address.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ResolvedAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/** Resolves a host name to its addresses; `dns.lookup` by default, injectable (tests, custom resolvers). */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true });

/** Loopback, link-local, private, shared (CGNAT), unspecified, multicast and broadcast space. */
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** BlockList also matches IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against the IPv4 ranges. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const unbracket = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** One spelling per address (`::FFFF:7f00:1` and `::ffff:127.0.0.1` alike), or undefined for a name. */
function canonical(host: string): string | undefined {
  const family = isIP(host);
  if (family === 0) return undefined;
  return family === 4 ? host : unbracket(new URL(`http://[${host}]/`).hostname);
}

/** An allow-list entry's host and optional port: `"10.0.0.5"`, `"10.0.0.5:8080"`, `"[::1]:80"`. */
function splitEntry(entry: string): [host: string, port: string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1]!, bracketed[2]];
  const parts = entry.split(':');
  return parts.length === 2 ? [parts[0]!, parts[1]] : [entry, undefined];
}

/** Whether the allow-list names `address` itself (on `port`, when the entry gives one). */
function listsAddress(allowedHosts: readonly string[], address: string, port: string): boolean {
  const target = canonical(address);
  return allowedHosts.some((entry) => {
    const [host, entryPort] = splitEntry(entry.toLowerCase());
    return canonical(host) === target && (entryPort === undefined || entryPort === port);
  });
}

/**
 * The address to connect to for `url`, whose host already passed the allow-list, or the reason
 * not to. A public address is fine; an internal one only when the allow-list names that address
 * itself. The first acceptable address wins, so a name with a public and a private answer still works.
 */
export async function chooseAddress(url: URL, allowedHosts: readonly string[], lookup: HostLookup): Promise<ResolvedAddress | { refused: string }> {
  const host = unbracket(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const literal = isIP(host);
  // A literal address passed the allow-list by being listed: that is the explicit consent.
  if (literal !== 0) return { address: host, family: literal };
  const answers = await lookup(host);
  const chosen = answers.find(({ address }) => !isInternalAddress(address) || listsAddress(allowedHosts, address, port));
  if (chosen) return { address: chosen.address, family: chosen.family };
  return {
    refused: answers.length
      ? `fetch: ${url.host} resolves to a loopback, link-local or private address; list that address in the allowed hosts to reach it`
      : `fetch: ${url.host} has no address`,
  };
}
