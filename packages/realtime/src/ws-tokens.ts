import { createHmac, timingSafeEqual } from 'node:crypto';
import { CrewshipError } from '@crewship/contracts';
import { z } from 'zod';

/** Short-lived tokens that open the WebSocket `/ws`; they are good for nothing else. */
export interface WsTokens {
  issue(userId: string): { token: string; expiresAt: string };
  /** The token's user, or null for anything tampered, expired, foreign or malformed. */
  verify(token: string): { userId: string } | null;
}

export interface WsTokensOptions {
  /** At least 32 bytes; a purpose-bound key is derived from it, so the session secret may be reused. */
  secret: Uint8Array | string;
  ttlMs?: number;
  now?: () => number;
}

const PREFIX = 'crewship_ws1';
const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

const userIdSchema = z.string().min(1).max(256);
const payloadSchema = z.strictObject({ u: userIdSchema, e: z.number().int().positive() });

/** Creates the issuer/verifier; tokens are `crewship_ws1.<payload>.<hmac-sha256>` in base64url. */
export function createWsTokens(options: WsTokensOptions): WsTokens {
  const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
  if (secret.byteLength < 32)
    throw new CrewshipError('invalid_input', 'the WebSocket token secret needs 32 bytes');
  const ttlMs = options.ttlMs ?? 60_000;
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new CrewshipError('invalid_input', 'ttlMs must be a positive integer');
  }
  const now = options.now ?? Date.now;
  const key = createHmac('sha256', secret).update('crewship websocket token key v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(`${PREFIX}.${payload}`).digest();

  return {
    issue(userId) {
      const checked = userIdSchema.safeParse(userId);
      if (!checked.success) throw new CrewshipError('invalid_input', 'userId must be 1-256 characters');
      const expires = now() + ttlMs;
      const payload = Buffer.from(JSON.stringify({ u: checked.data, e: expires })).toString('base64url');
      return {
        token: `${PREFIX}.${payload}.${mac(payload).toString('base64url')}`,
        expiresAt: new Date(expires).toISOString(),
      };
    },

    verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== PREFIX) return null;
      const [, payload = '', signature = ''] = parts;
      if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
      const given = Buffer.from(signature, 'base64url');
      // Canonical encoding only: a re-encoding of the same bytes would be a second valid spelling.
      if (given.length !== MAC_BYTES || given.toString('base64url') !== signature) return null;
      if (!timingSafeEqual(given, mac(payload))) return null;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      const parsed = payloadSchema.safeParse(decoded);
      if (!parsed.success || parsed.data.e <= now()) return null;
      return { userId: parsed.data.u };
    },
  };
}
