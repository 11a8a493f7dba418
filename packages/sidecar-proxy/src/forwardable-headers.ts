import { HOP_BY_HOP_HEADERS, INTERNAL_TOKEN_HEADER } from '@crewship/contracts';

const ALWAYS_DROPPED: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, INTERNAL_TOKEN_HEADER]);
/** Message framing and routing: a `Connection` header cannot remove these. */
const NEVER_CONNECTION_LISTED: ReadonlySet<string> = new Set(['host', 'content-length']);

/**
 * Filters raw headers (`[name, value, name, value, ...]`, as in `IncomingMessage.rawHeaders`) for the
 * next hop: drops hop-by-hop headers, the internal token, every header named in `Connection` or
 * `Proxy-Connection` (except Host and Content-Length), and `alsoDrop` (lower-case names). Order, casing and repeated headers are kept.
 */
export function forwardableHeaders(
  rawHeaders: readonly string[],
  alsoDrop: readonly string[] = [],
): string[] {
  const dropped = new Set<string>([...ALWAYS_DROPPED, ...alsoDrop]);
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    if (name !== 'connection' && name !== 'proxy-connection') continue;
    for (const token of rawHeaders[index + 1]!.split(',')) {
      const listed = token.trim().toLowerCase();
      if (listed && !NEVER_CONNECTION_LISTED.has(listed)) dropped.add(listed);
    }
  }
  const kept: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (!dropped.has(name.toLowerCase())) kept.push(name, rawHeaders[index + 1]!);
  }
  return kept;
}

/** Whether a raw header list holds a header of this (lower-case) name. */
export function hasHeader(rawHeaders: readonly string[], name: string): boolean {
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() === name) return true;
  }
  return false;
}
