export {
  type CredentialVaultOptions,
  createCredentialVault,
  type ReencryptOptions,
  type ReencryptResult,
  type SqliteCredentialVault,
} from './create-credential-vault.js';
export {
  type CredentialCipher,
  createCredentialCipher,
  credentialAad,
  ENCRYPTION_KEY_BYTES,
  type EncryptionKeys,
  keyIdOf,
  NONCE_BYTES,
  type SealedValue,
  type ValueBinding,
} from './credential-cipher.js';
export { LAST_FOUR_MIN_LENGTH, lastFour } from './last-four.js';
