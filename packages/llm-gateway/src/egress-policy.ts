import { BlockList, isIP } from 'node:net';
import { DEFAULT_EGRESS_DOMAINS } from '@crewship/contracts';

/** Lower-cased, IPv6 brackets and trailing dots removed; IPv4 in odd notations canonicalised by WHATWG URL. */
export function normalizeHost(host: string): string | null {
  const trimmed = host.trim();
  if (trimmed.length === 0) return null;
  let url: URL;
  try {
    url = new URL(`http://${isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed}/`);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  let name = url.hostname.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  name = name.replace(/\.+$/, '');
  return name.length > 0 ? name : null;
}

export interface EgressTarget {
  host: string;
  port: number;
}

/** Parses a CONNECT request target `host:port` (`[v6]:port` for IPv6); null when malformed. */
export function parseAuthority(authority: string): EgressTarget | null {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority.trim());
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return null;
  const host = normalizeHost(match[1]!);
  return host ? { host, port } : null;
}

/** Parses an absolute-form request target (`http://host[:port]/path`); null when it is not one. */
export function parseAbsoluteUrl(target: string): { url: URL; host: string; port: number } | null {
  if (!/^https?:\/\//i.test(target)) return null;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const host = normalizeHost(url.host);
  if (!host) return null;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { url, host, port };
}

/**
 * Egress rules of one crew. `free` allows every host; `restricted` and any unknown mode (fail closed)
 * allow only DEFAULT_EGRESS_DOMAINS and the crew's own domains. An entry matches its exact name;
 * `*.example.com` matches every subdomain of example.com but not example.com itself (list both to get both).
 */
export class EgressPolicy {
  readonly mode: string;
  readonly #exact = new Set<string>();
  readonly #suffixes: string[] = [];

  constructor(networkMode: string, allowedDomains: readonly string[]) {
    this.mode = networkMode;
    for (const entry of [...DEFAULT_EGRESS_DOMAINS, ...allowedDomains]) {
      const wildcard = entry.trim().startsWith('*.');
      const name = normalizeHost(wildcard ? entry.trim().slice(2) : entry);
      if (!name) continue;
      if (wildcard) this.#suffixes.push(`.${name}`);
      else this.#exact.add(name);
    }
  }

  /** Whether `host` (already normalized) may be reached. */
  allows(host: string): boolean {
    if (this.mode === 'free') return true;
    if (this.#exact.has(host)) return true;
    if (isIP(host) !== 0) return false;
    return this.#suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  }
}

const internalAddresses = new BlockList();
internalAddresses.addSubnet('127.0.0.0', 8, 'ipv4');
internalAddresses.addSubnet('0.0.0.0', 8, 'ipv4');
internalAddresses.addSubnet('169.254.0.0', 16, 'ipv4');
internalAddresses.addAddress('::1', 'ipv6');
internalAddresses.addAddress('::', 'ipv6');
internalAddresses.addSubnet('fe80::', 10, 'ipv6');

/**
 * Addresses of the gateway's own host (loopback, unspecified) and link-local ones (cloud metadata): a crew
 * must never reach the server's loopback services through the gateway, whatever its mode or allowlist.
 */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return internalAddresses.check(address, 'ipv4');
  return family === 6 && internalAddresses.check(address, 'ipv6');
}
