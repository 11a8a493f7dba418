import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';
import { assertCanAssign } from './role-rules.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';

describe('passwords', () => {
  it('hashes with scrypt and a random salt, and verifies only the right password', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse batterY', first)).toBe(false);
  });

  it('treats malformed stored hashes as a mismatch', async () => {
    for (const stored of ['', 'plain', 'bcrypt$x', 'scrypt$1$2$3', 'scrypt$$$$$']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });
});

describe('tokens', () => {
  it('generates prefixed random tokens and keyed hashes', () => {
    const token = generateToken('cli');
    expect(token).toMatch(/^crewship_cli_[\w-]{43}$/);
    expect(looksLikeToken(token)).toBe(true);
    expect(looksLikeToken('crewship_cli_a b')).toBe(false);
    expect(hashToken(token, 'a'.repeat(64))).not.toBe(hashToken(token, 'b'.repeat(64)));
  });
});

describe('role rules', () => {
  it('forbids granting or changing above your own role', () => {
    expect(() => assertCanAssign('ADMIN', { next: 'OWNER' })).toThrow(/cannot grant the role OWNER/);
    expect(() => assertCanAssign('ADMIN', { current: 'OWNER', next: 'VIEWER' })).toThrow(/cannot change/);
    expect(() => assertCanAssign('ADMIN', { current: 'MANAGER', next: 'ADMIN' })).not.toThrow();
    expect(() => assertCanAssign('OWNER', { current: 'OWNER', next: 'VIEWER' })).not.toThrow();
  });
});
