import { GATEWAY_PROVIDER_PREFIX, type LlmProvider, SIDECAR_PROVIDER_ROUTES } from '@crewship/contracts';

/** What the sidecar does with one request, decided from its request target alone. */
export type RequestTarget =
  | { kind: 'health'; logPath: string }
  | { kind: 'provider'; provider: LlmProvider; gatewayPath: string; logPath: string }
  | { kind: 'forward'; gatewayPath: string; logPath: string }
  | { kind: 'keeper'; action: KeeperAction; gatewayPath: string; logPath: string }
  | { kind: 'not_found'; logPath: string }
  | { kind: 'invalid'; logPath: string };

export const HEALTH_PATH = '/health';

export type KeeperAction = 'request' | 'execute';
/** Keeper routes: the gateway serves the same paths (the query string is dropped). */
export const KEEPER_PATHS: ReadonlyMap<string, KeeperAction> = new Map([
  ['/keeper/request', 'request'],
  ['/keeper/execute', 'execute'],
]);

/**
 * Maps a request target to what the gateway receives. Origin-form paths go through
 * SIDECAR_PROVIDER_ROUTES; absolute-form URIs are forwarded as they are, except those addressed to the
 * sidecar itself (`selfAuthorities`, lower-case `host:port`), which are treated as origin-form.
 */
export function resolveRequestTarget(
  rawTarget: string,
  selfAuthorities: ReadonlySet<string> = new Set(),
): RequestTarget {
  if (rawTarget.startsWith('/')) return resolveOriginForm(rawTarget);
  if (!/^https?:\/\//i.test(rawTarget)) return { kind: 'not_found', logPath: withoutQuery(rawTarget) };
  let url: URL;
  try {
    url = new URL(rawTarget);
  } catch {
    return { kind: 'invalid', logPath: withoutQuery(rawTarget) };
  }
  if (url.protocol === 'http:' && selfAuthorities.has(url.host.toLowerCase())) {
    return resolveOriginForm(`${url.pathname}${url.search}`);
  }
  return { kind: 'forward', gatewayPath: rawTarget, logPath: `${url.protocol}//${url.host}${url.pathname}` };
}

function resolveOriginForm(target: string): RequestTarget {
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = queryStart === -1 ? '' : target.slice(queryStart);
  // The gateway may normalise its URL: a dot segment here could climb out of /provider/{name}/.
  if (hasDotSegment(path)) return { kind: 'invalid', logPath: path };
  if (path === HEALTH_PATH) return { kind: 'health', logPath: path };
  const keeperAction = KEEPER_PATHS.get(path);
  if (keeperAction) return { kind: 'keeper', action: keeperAction, gatewayPath: path, logPath: path };
  for (const route of SIDECAR_PROVIDER_ROUTES) {
    if (!path.startsWith(route.prefix)) continue;
    const gatewayPath = `${GATEWAY_PROVIDER_PREFIX}${route.provider}${path.slice(route.strip.length)}${query}`;
    return { kind: 'provider', provider: route.provider, gatewayPath, logPath: path };
  }
  return { kind: 'not_found', logPath: path };
}

function hasDotSegment(path: string): boolean {
  if (path.includes('\\')) return true;
  return path.split('/').some((segment) => {
    const decoded = segment.toLowerCase().replaceAll('%2e', '.');
    return decoded === '.' || decoded === '..';
  });
}

function withoutQuery(target: string): string {
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}
