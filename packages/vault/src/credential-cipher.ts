import { createHmac } from 'node:crypto';
import { CrewshipError } from '@crewship/contracts';
import { gcm } from '@noble/ciphers/aes.js';
import { bytesToUtf8, randomBytes, utf8ToBytes } from '@noble/ciphers/utils.js';

export const ENCRYPTION_KEY_BYTES = 32;
export const NONCE_BYTES = 12;
const AAD_PREFIX = 'crewship-credential-v1';

/** The keys a vault can open values with: new values are sealed under `current`. */
export interface EncryptionKeys {
  current: Uint8Array;
  /** The key before the last rotation, kept so values not yet re-sealed stay readable. */
  previous?: Uint8Array | undefined;
}

/** Where a value belongs: both ids are bound into the ciphertext as associated data. */
export interface ValueBinding {
  workspaceId: string;
  credentialId: string;
}

export interface SealedValue {
  keyId: string;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export interface CredentialCipher {
  readonly currentKeyId: string;
  readonly previousKeyId: string | undefined;
  knows(keyId: string): boolean;
  /** Encrypts under the current key with a fresh random nonce. */
  seal(value: string, binding: ValueBinding): SealedValue;
  /** Decrypts, or throws `internal` when the key is unknown or the ciphertext, nonce or binding do not match. */
  open(sealed: SealedValue, binding: ValueBinding): string;
}

/** A short public name of a key (HMAC of a fixed label under it), stored beside each ciphertext. */
export function keyIdOf(key: Uint8Array): string {
  return createHmac('sha256', key).update('crewship-credential-key-id-v1').digest('hex').slice(0, 16);
}

/** `crewship-credential-v1|<workspaceId>|<credentialId>`: a ciphertext moved to another row fails to open. */
export function credentialAad(binding: ValueBinding): Uint8Array {
  for (const part of [binding.workspaceId, binding.credentialId]) {
    if (part.length === 0 || part.includes('|')) {
      throw new CrewshipError('internal', 'credential and workspace ids must be non-empty and free of "|"');
    }
  }
  return utf8ToBytes(`${AAD_PREFIX}|${binding.workspaceId}|${binding.credentialId}`);
}

function checkKey(key: Uint8Array, name: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== ENCRYPTION_KEY_BYTES) {
    throw new CrewshipError('invalid_input', `${name} must be ${ENCRYPTION_KEY_BYTES} bytes`);
  }
  return Uint8Array.from(key);
}

/** AES-256-GCM over credential values (@noble/ciphers). */
export function createCredentialCipher(keys: EncryptionKeys): CredentialCipher {
  const current = checkKey(keys.current, 'the encryption key');
  const byId = new Map<string, Uint8Array>([[keyIdOf(current), current]]);
  let previousKeyId: string | undefined;
  if (keys.previous !== undefined) {
    const previous = checkKey(keys.previous, 'the previous encryption key');
    previousKeyId = keyIdOf(previous);
    if (!byId.has(previousKeyId)) byId.set(previousKeyId, previous);
    else previousKeyId = undefined;
  }
  const currentKeyId = keyIdOf(current);
  return {
    currentKeyId,
    previousKeyId,
    knows: (keyId) => byId.has(keyId),
    seal(value, binding) {
      const nonce = randomBytes(NONCE_BYTES);
      const ciphertext = gcm(current, nonce, credentialAad(binding)).encrypt(utf8ToBytes(value));
      return { keyId: currentKeyId, nonce, ciphertext };
    },
    open(sealed, binding) {
      const key = byId.get(sealed.keyId);
      if (!key) {
        throw new CrewshipError(
          'internal',
          `credential ${binding.credentialId} is sealed under key ${sealed.keyId}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`,
        );
      }
      if (sealed.nonce.length !== NONCE_BYTES) {
        throw new CrewshipError('internal', `credential ${binding.credentialId} has a malformed nonce`);
      }
      try {
        return bytesToUtf8(gcm(key, sealed.nonce, credentialAad(binding)).decrypt(sealed.ciphertext));
      } catch (error) {
        throw new CrewshipError(
          'internal',
          `credential ${binding.credentialId} cannot be decrypted: its ciphertext does not match its key, row or workspace`,
          { cause: error },
        );
      }
    },
  };
}
