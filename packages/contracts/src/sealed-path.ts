/**
 * The sealed path: agent → sidecar (127.0.0.1:9119 in the crew container, UID 1002) → the crew's Unix
 * socket → the server's LLM gateway → upstream. These constants are the wire contract between the
 * sidecar and the gateway.
 */

export const SIDECAR_HOST = '127.0.0.1';
export const SIDECAR_PORT = 9119;
export const SIDECAR_URL = `http://${SIDECAR_HOST}:${SIDECAR_PORT}`;
/** Inside the container: the dir (owned by 1002, mode 0700) holding the gateway socket. */
export const GATEWAY_SOCKET_DIR = '/run/crewship';
export const GATEWAY_SOCKET_NAME = 'gateway.sock';
export const GATEWAY_SOCKET_PATH = `${GATEWAY_SOCKET_DIR}/${GATEWAY_SOCKET_NAME}`;
/** The sidecar bundle inside the container (the tools dir is mounted at /opt/crewship). */
export const SIDECAR_BUNDLE_PATH = '/opt/crewship/sidecar/sidecar.cjs';
/** Sent by the sidecar on every request and CONNECT to the gateway: a second factor besides the socket. */
export const INTERNAL_TOKEN_HEADER = 'x-crewship-internal-token';
/** Request bodies through the sidecar and the gateway are limited to this (responses are not: SSE streams run long). */
export const MAX_PROXY_BODY_BYTES = 10 * 1024 * 1024;

/** What the sidecar reads as one JSON line on stdin at start (never from its environment). */
export interface SidecarStartConfig {
  /** Path of the gateway socket, normally GATEWAY_SOCKET_PATH. */
  socketPath: string;
  token: string;
  host: string;
  port: number;
  /** `debug` adds one line per request (method, path without query, status, duration). Default `info`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export const LLM_PROVIDERS = ['anthropic', 'openai', 'google'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/**
 * Reverse-proxy routes on the sidecar: a request whose path starts with `prefix` goes to the gateway at
 * `/provider/{provider}` + the path with `strip` removed from its start. `/v1/messages` →
 * `/provider/anthropic/v1/messages`; `/openai/v1/responses` → `/provider/openai/v1/responses`;
 * `/gemini/v1beta/models/m:streamGenerateContent` → `/provider/google/v1beta/models/m:streamGenerateContent`.
 */
export const SIDECAR_PROVIDER_ROUTES: readonly { prefix: string; strip: string; provider: LlmProvider }[] = [
  { prefix: '/v1/', strip: '', provider: 'anthropic' },
  { prefix: '/openai/', strip: '/openai', provider: 'openai' },
  { prefix: '/gemini/', strip: '/gemini', provider: 'google' },
];
export const GATEWAY_PROVIDER_PREFIX = '/provider/';

/**
 * Connection-level headers that are never forwarded (RFC 9110 §7.6.1), plus Proxy-Authorization, an
 * exfiltration vector. Lower-case.
 */
export const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
] as const;

/**
 * The dummy key an agent's CLI sends (as x-api-key, Bearer token, x-goog-api-key or ?key=). It names
 * the agent so the gateway can pick that agent's credential; it grants nothing by itself.
 */
export const AGENT_DUMMY_KEY_PREFIX = 'crewship-agent-';
export const agentDummyKey = (agentSlug: string) => `${AGENT_DUMMY_KEY_PREFIX}${agentSlug}`;
export function agentSlugFromDummyKey(value: string | null | undefined): string | null {
  if (!value) return null;
  const key = value.replace(/^Bearer\s+/i, '').trim();
  if (!key.startsWith(AGENT_DUMMY_KEY_PREFIX)) return null;
  const slug = key.slice(AGENT_DUMMY_KEY_PREFIX.length);
  return /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/.test(slug) ? slug : null;
}

/** Domains every restricted crew may reach (reference: the sidecar allowlist), besides its own. */
export const DEFAULT_EGRESS_DOMAINS = [
  'api.anthropic.com',
  'console.anthropic.com',
  'api.openai.com',
  'auth.openai.com',
  'chatgpt.com',
  'generativelanguage.googleapis.com',
  'oauth2.googleapis.com',
  'accounts.google.com',
  'api.cursor.sh',
  'api2.cursor.sh',
  'api.factory.ai',
  'app.factory.ai',
] as const;

/** Token counts of one LLM call, as the provider reported them (0 when it did not). */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Emitted by the gateway once per upstream call; Paymaster consumes these. */
export interface MeteringEvent {
  at: string;
  workspaceId: string;
  crewId: string;
  agentId: string;
  credentialId: string;
  provider: LlmProvider;
  model: string | null;
  usage: LlmUsage;
  /** Upstream HTTP status. */
  status: number;
  streamed: boolean;
  durationMs: number;
  /** `subscription` for OAuth tokens (dollars may be unknown), `api` for API keys. */
  billingMode: 'api' | 'subscription';
}

export interface MeteringSink {
  record(event: MeteringEvent): void;
}
