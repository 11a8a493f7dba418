import { randomBytes } from 'node:crypto';
import {
  type CredentialVault,
  CrewshipError,
  type Logger,
  type ReencryptResult,
  type WorkspaceContext,
} from '@crewship/contracts';
import { type CrewshipDatabase, workspaceMembers, workspaces } from '@crewship/db';
import { createCredentialVault, ENCRYPTION_KEY_BYTES } from '@crewship/vault';
import { and, asc, eq } from 'drizzle-orm';
import { type Secrets, saveEncryptionKeys } from '../data-dir.js';

/** Rotation of the server-wide ENCRYPTION_KEY. */
export interface EncryptionKeyService {
  /**
   * Generates a new key, stores it in secrets.env (the old one as ENCRYPTION_KEY_PREVIOUS) and re-seals
   * every credential under it. The key protects every workspace, so only an Owner of the server's first
   * workspace (the one created at bootstrap) may rotate it.
   */
  reencrypt(context: WorkspaceContext): Promise<ReencryptResult>;
}

export interface CredentialVaultBinding {
  vault: CredentialVault;
  encryption: EncryptionKeyService;
}

/** Binds the vault to the database and to secrets.env in the data directory. */
export function bindCredentialVault(
  database: CrewshipDatabase,
  options: { dataDir: string; secrets: Secrets; logger: Logger },
): CredentialVaultBinding {
  const vault = createCredentialVault({
    db: database,
    encryptionKey: options.secrets.encryptionKey,
    previousEncryptionKey: options.secrets.previousEncryptionKey,
    logger: options.logger,
  });

  function assertServerOwner(context: WorkspaceContext): void {
    const first = database.db
      .select({ id: workspaces.id })
      .from(workspaces)
      .orderBy(asc(workspaces.createdAt), asc(workspaces.id))
      .limit(1)
      .get();
    const membership = first
      ? database.db
          .select({ role: workspaceMembers.role })
          .from(workspaceMembers)
          .where(and(eq(workspaceMembers.workspaceId, first.id), eq(workspaceMembers.userId, context.userId)))
          .get()
      : undefined;
    if (membership?.role !== 'OWNER') {
      throw new CrewshipError(
        'forbidden',
        "rotating the server's encryption key needs the OWNER role in the server's first workspace",
      );
    }
  }

  return {
    vault,
    encryption: {
      async reencrypt(context) {
        assertServerOwner(context);
        const result = await vault.reencrypt({
          newKey: new Uint8Array(randomBytes(ENCRYPTION_KEY_BYTES)),
          persistKeys: (keys) => {
            try {
              saveEncryptionKeys(options.dataDir, keys);
            } catch (error) {
              throw new CrewshipError(
                'unavailable',
                `cannot write secrets.env (${(error as NodeJS.ErrnoException).code ?? 'error'}); the key was not rotated`,
                { cause: error },
              );
            }
          },
        });
        options.logger.info('encryption key rotated', { userId: context.userId, ...result });
        return {
          reencrypted: result.reencrypted,
          key_id: result.keyId,
          previous_key_id: result.previousKeyId,
        };
      },
    },
  };
}
