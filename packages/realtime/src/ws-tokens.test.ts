import { createHmac } from 'node:crypto';
import { isCrewshipError } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { createWsTokens } from './ws-tokens.js';

const SECRET = 'a-session-secret-that-is-long-enough-for-hmac';

function split(token: string): [string, string, string] {
  const [prefix = '', payload = '', mac = ''] = token.split('.');
  return [prefix, payload, mac];
}

describe('createWsTokens', () => {
  it('issues a token that verifies to its user until it expires', () => {
    let time = Date.UTC(2030, 0, 1);
    const tokens = createWsTokens({ secret: SECRET, ttlMs: 60_000, now: () => time });
    const { token, expiresAt } = tokens.issue('user_01');
    expect(expiresAt).toBe('2030-01-01T00:01:00.000Z');
    expect(token).toMatch(/^crewship_ws1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token)).toEqual({ userId: 'user_01' });
    time += 59_999;
    expect(tokens.verify(token)).toEqual({ userId: 'user_01' });
    time += 1;
    expect(tokens.verify(token)).toBeNull();
  });

  it('accepts a Uint8Array secret and rejects tokens of another secret', () => {
    const bytes = new Uint8Array(32).fill(7);
    const mine = createWsTokens({ secret: bytes });
    const theirs = createWsTokens({ secret: new Uint8Array(32).fill(8) });
    expect(mine.verify(mine.issue('u').token)).toEqual({ userId: 'u' });
    expect(mine.verify(theirs.issue('u').token)).toBeNull();
  });

  it('rejects tampered tokens', () => {
    const tokens = createWsTokens({ secret: SECRET });
    const [prefix, payload, mac] = split(tokens.issue('alice').token);
    const forgedPayload = Buffer.from(JSON.stringify({ u: 'root', e: Date.now() + 60_000 })).toString(
      'base64url',
    );
    const flipped = (text: string, index: number) =>
      text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
    const hostile = [
      `${prefix}.${forgedPayload}.${mac}`,
      `${prefix}.${flipped(payload, 3)}.${mac}`,
      `${prefix}.${payload}.${flipped(mac, 10)}`,
      `${prefix}.${payload}.${mac.slice(0, -1)}`,
      `${prefix}.${payload}.${mac}A`,
      `${prefix}.${payload}.${mac}=`,
      `${prefix}.${payload}.`,
      `${prefix}.${payload}`,
      `crewship_ws2.${payload}.${mac}`,
      `crewship_cli_.${payload}.${mac}`,
      `${prefix}.${payload}.${mac}.extra`,
      `${prefix}..${mac}`,
      `${prefix}.${payload} .${mac}`,
    ];
    for (const token of hostile) expect(tokens.verify(token), token).toBeNull();
  });

  it('rejects a non-canonical spelling of the right MAC bytes', () => {
    const tokens = createWsTokens({ secret: SECRET });
    const [prefix, payload, mac] = split(tokens.issue('alice').token);
    // 32 bytes use 42 full characters plus one holding 4 bits; its 2 spare bits may differ and decode the same.
    const last = mac.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const respelled = `${mac.slice(0, -1)}${twin}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    expect(tokens.verify(`${prefix}.${payload}.${respelled}`)).toBeNull();
  });

  it('rejects garbage of every shape without throwing', () => {
    const tokens = createWsTokens({ secret: SECRET });
    const garbage: unknown[] = [
      '',
      '.',
      '..',
      'crewship_ws1',
      'crewship_ws1..',
      'null',
      'x'.repeat(100_000),
      `crewship_ws1.${'A'.repeat(2000)}.${'A'.repeat(43)}`,
      '\u0000\uffff',
      '🙂.🙂.🙂',
      undefined,
      null,
      42,
      {},
    ];
    for (const token of garbage) expect(tokens.verify(token as string)).toBeNull();
  });

  it('rejects a correctly signed payload that is not ours (wrong shape, expired, huge numbers)', () => {
    const key = createHmac('sha256', Buffer.from(SECRET)).update('crewship websocket token key v1').digest();
    const sign = (body: string) => {
      const payload = Buffer.from(body).toString('base64url');
      const mac = createHmac('sha256', key).update(`crewship_ws1.${payload}`).digest('base64url');
      return `crewship_ws1.${payload}.${mac}`;
    };
    const tokens = createWsTokens({ secret: SECRET, now: () => 1_000 });
    expect(tokens.verify(sign(JSON.stringify({ u: 'ok', e: 2_000 })))).toEqual({ userId: 'ok' });
    for (const body of [
      'not json',
      JSON.stringify({ u: 'ok', e: 1_000 }),
      JSON.stringify({ u: 'ok', e: '9999999999999' }),
      JSON.stringify({ u: '', e: 2_000 }),
      JSON.stringify({ u: 'ok', e: 2_000, admin: true }),
      JSON.stringify({ u: ['ok'], e: 2_000 }),
      JSON.stringify(['ok', 2_000]),
      '{"u":"ok","e":1e400}',
      '{"u":"ok","e":20000000000000000000000}',
    ]) {
      expect(tokens.verify(sign(body)), body).toBeNull();
    }
  });

  it('refuses weak secrets, bad ttl and bad user ids', () => {
    const kindOf = (call: () => unknown) => {
      try {
        call();
        return 'no error';
      } catch (error) {
        return isCrewshipError(error) ? error.kind : 'other';
      }
    };
    expect(kindOf(() => createWsTokens({ secret: 'short' }))).toBe('invalid_input');
    expect(kindOf(() => createWsTokens({ secret: new Uint8Array(31) }))).toBe('invalid_input');
    expect(kindOf(() => createWsTokens({ secret: SECRET, ttlMs: 0 }))).toBe('invalid_input');
    const tokens = createWsTokens({ secret: SECRET });
    expect(kindOf(() => tokens.issue(''))).toBe('invalid_input');
    expect(kindOf(() => tokens.issue('x'.repeat(257)))).toBe('invalid_input');
  });
});
