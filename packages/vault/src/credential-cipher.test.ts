import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCredentialCipher, credentialAad, keyIdOf, NONCE_BYTES } from './credential-cipher.js';
import { lastFour } from './last-four.js';

const key = () => new Uint8Array(randomBytes(32));
const here = { workspaceId: 'ws-1', credentialId: 'cred-1' };
const SECRET = 'sk-ant-api03-very-secret-value-0123456789';

describe('credential cipher', () => {
  it('round-trips values, including non-ASCII ones', () => {
    const cipher = createCredentialCipher({ current: key() });
    for (const value of [SECRET, 'x', 'pässwörd 🔑 ключ', 'a'.repeat(16_384)]) {
      const sealed = cipher.seal(value, here);
      expect(sealed.keyId).toBe(cipher.currentKeyId);
      expect(sealed.nonce).toHaveLength(NONCE_BYTES);
      // A 1-byte value turns up by chance in ~6% of random ciphertexts; only longer ones can be looked for.
      if (value.length >= 8) expect(Buffer.from(sealed.ciphertext).includes(Buffer.from(value))).toBe(false);
      expect(cipher.open(sealed, here)).toBe(value);
    }
  });

  it('binds a ciphertext to its workspace and credential id (AAD)', () => {
    const cipher = createCredentialCipher({ current: key() });
    const sealed = cipher.seal(SECRET, here);
    expect(() => cipher.open(sealed, { ...here, credentialId: 'cred-2' })).toThrow(/cannot be decrypted/);
    expect(() => cipher.open(sealed, { ...here, workspaceId: 'ws-2' })).toThrow(/cannot be decrypted/);
    expect(() => cipher.open(sealed, { workspaceId: 'ws-1|cred', credentialId: '1' })).toThrow();
    expect(Buffer.from(credentialAad(here)).toString()).toBe('crewship-credential-v1|ws-1|cred-1');
  });

  it('uses a fresh nonce for every encryption, also of the same value', () => {
    const cipher = createCredentialCipher({ current: key() });
    const nonces = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let index = 0; index < 20_000; index++) {
      const sealed = cipher.seal(SECRET, here);
      nonces.add(Buffer.from(sealed.nonce).toString('hex'));
      ciphertexts.add(Buffer.from(sealed.ciphertext).toString('hex'));
    }
    expect(nonces.size).toBe(20_000);
    expect(ciphertexts.size).toBe(20_000);
  });

  it('detects tampering with the ciphertext or the nonce', () => {
    const cipher = createCredentialCipher({ current: key() });
    const sealed = cipher.seal(SECRET, here);
    const flipped = Uint8Array.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped }, here)).toThrow(/cannot be decrypted/);
    const nonce = Uint8Array.from(sealed.nonce);
    nonce[11] = (nonce[11] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, nonce }, here)).toThrow(/cannot be decrypted/);
    expect(() => cipher.open({ ...sealed, nonce: nonce.slice(0, 8) }, here)).toThrow(/malformed nonce/);
  });

  it('opens values under the previous key and names an unknown key without leaking the value', () => {
    const oldKey = key();
    const newKey = key();
    const before = createCredentialCipher({ current: oldKey }).seal(SECRET, here);
    const rotated = createCredentialCipher({ current: newKey, previous: oldKey });
    expect(rotated.previousKeyId).toBe(keyIdOf(oldKey));
    expect(rotated.open(before, here)).toBe(SECRET);
    expect(rotated.seal(SECRET, here).keyId).toBe(keyIdOf(newKey));

    const stranger = createCredentialCipher({ current: key() });
    let message = '';
    try {
      stranger.open(before, here);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS/);
    expect(message).not.toContain(SECRET);
  });

  it('refuses keys that are not 32 bytes and gives keys stable, distinct ids', () => {
    expect(() => createCredentialCipher({ current: new Uint8Array(16) })).toThrow(/32 bytes/);
    expect(() => createCredentialCipher({ current: key(), previous: new Uint8Array(31) })).toThrow(
      /32 bytes/,
    );
    const one = key();
    expect(keyIdOf(one)).toBe(keyIdOf(Uint8Array.from(one)));
    expect(keyIdOf(one)).not.toBe(keyIdOf(key()));
    expect(keyIdOf(one)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('lastFour', () => {
  it('shows the last 4 characters of long values only', () => {
    expect(lastFour(SECRET)).toBe('6789');
    expect(lastFour('short-secret')).toBe('');
    expect(lastFour(`${'k'.repeat(20)}🔑abc`)).toBe('🔑abc');
  });
});
