import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  type CredentialProvider,
  HOP_BY_HOP_HEADERS,
  INTERNAL_TOKEN_HEADER,
  type LlmProvider,
  type SelectedCredential,
} from '@crewship/contracts';

export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_OAUTH_BETA = 'oauth-2025-04-20';

/** The vault provider whose credentials serve a gateway provider route. */
export function credentialProviderFor(provider: LlmProvider): CredentialProvider {
  return provider;
}

const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie'];
const STRIPPED_REQUEST_HEADERS = new Set<string>([
  ...HOP_BY_HOP_HEADERS,
  ...AUTH_HEADERS,
  INTERNAL_TOKEN_HEADER,
  'host',
  'content-length',
  'expect',
  'accept-encoding',
  'forwarded',
  'via',
]);
const STRIPPED_RESPONSE_HEADERS = new Set<string>([...HOP_BY_HOP_HEADERS]);

/** Names listed in a Connection header are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set(
    (value ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

function copyHeaders(
  headers: IncomingHttpHeaders,
  stripped: ReadonlySet<string>,
  alsoStrip: (name: string) => boolean,
): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || stripped.has(name) || listed.has(name) || alsoStrip(name)) continue;
    result[name] = value;
  }
  return result;
}

/** Client headers minus hop-by-hop, every auth header, the internal token, and proxy bookkeeping. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const result = copyHeaders(headers, STRIPPED_REQUEST_HEADERS, (name) => name.startsWith('x-forwarded-'));
  // Identity keeps the usage parser reading plain bytes (it can still decode a body compressed anyway).
  result['accept-encoding'] = 'identity';
  return result;
}

/** Headers for a plain forward-proxy hop: only hop-by-hop ones and the internal token go. */
export function egressRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return copyHeaders(headers, new Set([...HOP_BY_HOP_HEADERS, INTERNAL_TOKEN_HEADER, 'host']), () => false);
}

export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return copyHeaders(headers, STRIPPED_RESPONSE_HEADERS, () => false);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The dummy key the agent's CLI sent, where that provider's SDK puts its API key. */
export function dummyKeyOf(
  provider: LlmProvider,
  headers: IncomingHttpHeaders,
  queryKey: string | undefined,
): string | undefined {
  switch (provider) {
    case 'anthropic':
      return single(headers['x-api-key']) ?? headers.authorization;
    case 'openai':
      return headers.authorization;
    case 'google':
      return single(headers['x-goog-api-key']) ?? queryKey;
  }
}

/** OAuth tokens (Claude subscriptions: `sk-ant-oat…`) authenticate as Bearer and bill as a subscription. */
export function isOAuthCredential(provider: LlmProvider, selected: SelectedCredential): boolean {
  if (provider === 'anthropic' && selected.value.startsWith('sk-ant-oat')) return true;
  return selected.credential.type === 'OAUTH_TOKEN';
}

function appendToken(existing: string | string[] | number | undefined, token: string): string {
  const parts = (Array.isArray(existing) ? existing.join(',') : String(existing ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (!parts.includes(token)) parts.push(token);
  return parts.join(',');
}

/** Puts the real credential where the provider expects it. */
export function injectCredential(
  provider: LlmProvider,
  headers: OutgoingHttpHeaders,
  selected: SelectedCredential,
): void {
  const oauth = isOAuthCredential(provider, selected);
  switch (provider) {
    case 'anthropic':
      if (headers['anthropic-version'] === undefined) headers['anthropic-version'] = ANTHROPIC_VERSION;
      if (oauth) {
        headers.authorization = `Bearer ${selected.value}`;
        headers['anthropic-beta'] = appendToken(headers['anthropic-beta'], ANTHROPIC_OAUTH_BETA);
      } else {
        headers['x-api-key'] = selected.value;
      }
      return;
    case 'openai':
      headers.authorization = `Bearer ${selected.value}`;
      return;
    case 'google':
      if (oauth) headers.authorization = `Bearer ${selected.value}`;
      else headers['x-goog-api-key'] = selected.value;
      return;
  }
}

/** Query string without any `key` parameter (Gemini's URL key), other parameters byte for byte. */
export function stripKeyParameter(search: string): { search: string; key: string | undefined } {
  if (search.length <= 1) return { search: '', key: undefined };
  let key: string | undefined;
  const kept: string[] = [];
  for (const part of search.slice(1).split('&')) {
    const rawName = part.split('=', 1)[0] ?? '';
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    if (name === 'key') {
      const rawValue = part.slice(rawName.length + 1);
      try {
        key ??= decodeURIComponent(rawValue.replace(/\+/g, ' '));
      } catch {
        key ??= rawValue;
      }
      continue;
    }
    if (part.length > 0) kept.push(part);
  }
  return { search: kept.length > 0 ? `?${kept.join('&')}` : '', key };
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
};
const OPENAI_ERROR_TYPES: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['invalid_request_error', 'no_credential'],
  404: ['invalid_request_error', 'not_found'],
  413: ['invalid_request_error', 'request_too_large'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
};
const GOOGLE_STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  502: 'UNAVAILABLE',
};

/** An error body in the shape the provider's own SDK parses. */
export function providerErrorBody(provider: LlmProvider, status: number, message: string): string {
  switch (provider) {
    case 'anthropic':
      return JSON.stringify({
        type: 'error',
        error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message },
      });
    case 'openai': {
      const [type, code] = OPENAI_ERROR_TYPES[status] ?? ['server_error', null];
      return JSON.stringify({ error: { message, type, param: null, code } });
    }
    case 'google':
      return JSON.stringify({
        error: { code: status, message, status: GOOGLE_STATUSES[status] ?? 'INTERNAL' },
      });
  }
}
