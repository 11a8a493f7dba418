const URL_AUTHORITY = /(https?|wss?|ftps?|sftp|ssh|git(?:\+ssh)?):\/\/([^\s/?#"'<>`{}|^]*)/gi;
/** scp-like `user@host:path` (as in `git@github.com:org/repo.git`). */
const SCP_HOST = /@(\[[0-9a-f:.]+\]|[a-z0-9][a-z0-9.-]*):/gi;
const WHATWG_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);
const MAX_NODES = 1_000_000;

/**
 * Hosts named in URLs anywhere in a tool input (strings and keys, walked without recursion):
 * lower-cased, without port, userinfo or IPv6 brackets. Where parsers disagree (`\`, `%2e`, numeric
 * IPv4 forms) every reading is returned, so a host rule sees what any client might connect to.
 */
export function hostsIn(value: unknown): string[] {
  const hosts = new Set<string>();
  const seen = new Set<string>();
  const objects = new WeakSet<object>();
  const pending: unknown[] = [value];
  let visited = 0;
  while (pending.length > 0 && visited < MAX_NODES) {
    const item = pending.pop();
    visited += 1;
    if (typeof item === 'string') {
      scan(item, hosts, seen);
      continue;
    }
    if (item === null || typeof item !== 'object' || objects.has(item)) continue;
    objects.add(item);
    if (Array.isArray(item)) for (const child of item) pending.push(child);
    else {
      for (const [key, child] of Object.entries(item)) {
        scan(key, hosts, seen);
        pending.push(child);
      }
    }
  }
  return [...hosts];
}

function scan(text: string, hosts: Set<string>, seen: Set<string>): void {
  if (!text.includes('@') && !text.includes('/')) return;
  const unescaped = text.includes('\\/') ? text.replaceAll('\\/', '/') : text;
  for (const match of unescaped.matchAll(URL_AUTHORITY)) {
    const scheme = (match[1] ?? '').toLowerCase();
    const authority = match[2] ?? '';
    const key = `${scheme}://${authority}`;
    if (seen.has(key)) continue;
    seen.add(key);
    addHost(hosts, hostOfAuthority(authority));
    const backslash = authority.indexOf('\\');
    if (backslash >= 0) addHost(hosts, hostOfAuthority(authority.slice(0, backslash)));
    if (WHATWG_SCHEMES.has(scheme)) addHost(hosts, whatwgHost(key));
  }
  for (const match of unescaped.matchAll(SCP_HOST)) addHost(hosts, hostOfAuthority(match[1] ?? ''));
}

function hostOfAuthority(authority: string): string {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    return close < 0 ? hostPort.slice(1) : hostPort.slice(1, close);
  }
  const colon = hostPort.indexOf(':');
  return colon < 0 ? hostPort : hostPort.slice(0, colon);
}

function whatwgHost(url: string): string {
  try {
    const hostname = new URL(url).hostname;
    return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  } catch {
    return '';
  }
}

function addHost(hosts: Set<string>, host: string): void {
  let normalized = host.toLowerCase();
  try {
    if (normalized.includes('%')) normalized = decodeURIComponent(normalized);
  } catch {
    // Malformed escapes stay as written.
  }
  let end = normalized.length;
  while (end > 0 && normalized[end - 1] === '.') end -= 1;
  if (end > 0 && end <= 260) hosts.add(normalized.slice(0, end));
}
