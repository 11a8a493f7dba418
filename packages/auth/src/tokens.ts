import { createHmac, randomBytes } from 'node:crypto';
import { CLI_TOKEN_PREFIX } from '@crewship/contracts';

export const SESSION_TOKEN_PREFIX = 'crewship_session_';

export function generateToken(kind: 'cli' | 'session'): string {
  const prefix = kind === 'cli' ? CLI_TOKEN_PREFIX : SESSION_TOKEN_PREFIX;
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are stored as HMAC-SHA256 under SESSION_SECRET: a leaked database alone cannot forge or check them. */
export function hashToken(token: string, secret: string): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}

export function looksLikeToken(value: string): boolean {
  return (
    (value.startsWith(CLI_TOKEN_PREFIX) || value.startsWith(SESSION_TOKEN_PREFIX)) &&
    value.length < 200 &&
    /^[A-Za-z0-9_-]+$/.test(value)
  );
}
