import {
  type Credential,
  type CredentialProvider,
  type CredentialVault,
  CrewshipError,
  createCredentialRequestSchema,
  credentialValueSchema,
  type Logger,
  type SelectedCredential,
  silentLogger,
  updateCredentialRequestSchema,
  type WorkspaceContext,
} from '@crewship/contracts';
import {
  agents,
  type CrewshipDatabase,
  credentialAgents,
  credentials,
  isUniqueViolation,
} from '@crewship/db';
import { and, asc, eq, inArray, ne, notExists, or } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { z } from 'zod';
import {
  type CredentialCipher,
  createCredentialCipher,
  type EncryptionKeys,
  type SealedValue,
} from './credential-cipher.js';
import { lastFour } from './last-four.js';

export interface CredentialVaultOptions {
  db: CrewshipDatabase;
  /** ENCRYPTION_KEY: 32 bytes. New values are sealed under it. */
  encryptionKey: Uint8Array;
  /** ENCRYPTION_KEY_PREVIOUS: values still sealed under it are re-sealed under `encryptionKey` at creation. */
  previousEncryptionKey?: Uint8Array | undefined;
  now?: () => Date;
  /** How long a credential is skipped after a 401 or 429 (default 60 s). */
  cooldownMs?: number;
  logger?: Logger;
}

export interface ReencryptOptions {
  /** 32 random bytes: the next ENCRYPTION_KEY. */
  newKey: Uint8Array;
  /**
   * Stores the new key (as current) and the old one (as previous) durably, e.g. secrets.env written to a
   * temp file and renamed. Called before any value is re-sealed; when it throws, nothing has changed.
   */
  persistKeys(keys: Required<EncryptionKeys>): void;
}

export interface ReencryptResult {
  /** How many values were re-sealed under the new key. */
  reencrypted: number;
  keyId: string;
  previousKeyId: string;
}

/** The vault over SQLite, with key rotation on top of the `CredentialVault` port. */
export interface SqliteCredentialVault extends CredentialVault {
  /**
   * Rotates ENCRYPTION_KEY: persists the new key, then re-seals every value of every workspace under it in
   * one transaction. Refuses (conflict) while any value cannot be decrypted.
   */
  reencrypt(options: ReencryptOptions): Promise<ReencryptResult>;
  /** Key ids (fingerprints) in use: new values go under `current`. */
  keyIds(): { current: string; previous: string | undefined };
}

type Input<T extends z.ZodType> = z.output<T>;

/** Creates the credential vault: AES-256-GCM at rest, priority + round-robin selection, cooldown failover. */
export function createCredentialVault(options: CredentialVaultOptions): SqliteCredentialVault {
  const { db } = options.db;
  type Row = typeof credentials.$inferSelect;
  const now = options.now ?? (() => new Date());
  const cooldownMs = options.cooldownMs ?? 60_000;
  const logger = options.logger ?? silentLogger;
  let currentKey = Uint8Array.from(options.encryptionKey);
  let cipher: CredentialCipher = createCredentialCipher({
    current: currentKey,
    previous: options.previousEncryptionKey,
  });
  /** Last credential handed out per (workspace, agent, provider): round-robin among equals. */
  const lastUsed = new Map<string, string>();

  const bindingOf = (row: Row) => ({ workspaceId: row.workspaceId, credentialId: row.id });
  const sealedOf = (row: Row): SealedValue => ({
    keyId: row.keyId,
    nonce: row.nonce,
    ciphertext: row.ciphertext,
  });
  const sealedColumns = (sealed: SealedValue) => ({
    keyId: sealed.keyId,
    nonce: Buffer.from(sealed.nonce),
    ciphertext: Buffer.from(sealed.ciphertext),
  });

  function coolingUntil(row: Row): string | null {
    if (row.cooldownUntil === null) return null;
    return Date.parse(row.cooldownUntil) > now().getTime() ? row.cooldownUntil : null;
  }

  function agentIdsOf(credentialIds: readonly string[]): Map<string, string[]> {
    const result = new Map<string, string[]>(credentialIds.map((id) => [id, []]));
    if (credentialIds.length === 0) return result;
    const links = db
      .select()
      .from(credentialAgents)
      .where(inArray(credentialAgents.credentialId, [...credentialIds]))
      .orderBy(asc(credentialAgents.agentId))
      .all();
    for (const link of links) result.get(link.credentialId)?.push(link.agentId);
    return result;
  }

  function toCredential(row: Row, agentIds: readonly string[]): Credential {
    return {
      id: row.id,
      workspace_id: row.workspaceId,
      name: row.name,
      type: row.type,
      provider: row.provider,
      priority: row.priority,
      last4: row.last4,
      agent_ids: [...agentIds],
      cooldown_until: coolingUntil(row),
      created_at: row.createdAt,
      updated_at: row.updatedAt,
      rotated_at: row.rotatedAt,
    };
  }

  const present = (row: Row) => toCredential(row, agentIdsOf([row.id]).get(row.id) ?? []);

  function find(context: WorkspaceContext, reference: string): Row {
    const row = db
      .select()
      .from(credentials)
      .where(
        and(
          eq(credentials.workspaceId, context.workspaceId),
          or(eq(credentials.id, reference), eq(credentials.name, reference)),
        ),
      )
      .orderBy(asc(credentials.id))
      .get();
    if (!row) throw new CrewshipError('not_found', `credential "${reference}" not found`);
    return row;
  }

  function parse<T extends z.ZodType>(schema: T, input: unknown): Input<T> {
    const result = schema.safeParse(input);
    if (result.success) return result.data as Input<T>;
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
      message: issue.message,
    }));
    throw new CrewshipError(
      'invalid_input',
      `invalid credential: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      { details: { issues } },
    );
  }

  function uniqueName<T>(name: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new CrewshipError('conflict', `a credential named "${name}" already exists in this workspace`);
      }
      throw error;
    }
  }

  function resolveAgents(context: WorkspaceContext, references: readonly string[]): string[] {
    const ids: string[] = [];
    for (const reference of new Set(references)) {
      const agent = db
        .select({ id: agents.id })
        .from(agents)
        .where(
          and(
            eq(agents.workspaceId, context.workspaceId),
            or(eq(agents.id, reference), eq(agents.slug, reference)),
          ),
        )
        .get();
      if (!agent) throw new CrewshipError('not_found', `agent "${reference}" not found`);
      if (!ids.includes(agent.id)) ids.push(agent.id);
    }
    return ids;
  }

  /** Re-seals under the current key every row sealed under another key this vault knows. */
  function resealStale(): number {
    return db.transaction((tx) => {
      const stale = tx.select().from(credentials).where(ne(credentials.keyId, cipher.currentKeyId)).all();
      let resealed = 0;
      for (const row of stale) {
        if (!cipher.knows(row.keyId)) continue;
        const value = decryptOrSkip(row);
        if (value === undefined) continue;
        tx.update(credentials)
          .set(sealedColumns(cipher.seal(value, bindingOf(row))))
          .where(eq(credentials.id, row.id))
          .run();
        resealed += 1;
      }
      return resealed;
    });
  }

  function unreadable(rows: readonly Row[]): Row[] {
    return rows.filter((row) => {
      try {
        cipher.open(sealedOf(row), bindingOf(row));
        return false;
      } catch {
        return true;
      }
    });
  }

  // A rotation interrupted after secrets.env was written leaves rows under the previous key: finish it.
  const resealedAtStart = resealStale();
  if (resealedAtStart > 0) {
    logger.info('re-sealed credentials left under the previous encryption key', { count: resealedAtStart });
  }
  const unknownAtStart = db
    .select({ id: credentials.id, keyId: credentials.keyId })
    .from(credentials)
    .where(ne(credentials.keyId, cipher.currentKeyId))
    .all();
  if (unknownAtStart.length > 0) {
    logger.error('credentials are sealed under a key that secrets.env does not hold; rotate or delete them', {
      credentialIds: unknownAtStart.map((row) => row.id),
    });
  }

  function decryptOrSkip(row: Row): string | undefined {
    try {
      return cipher.open(sealedOf(row), bindingOf(row));
    } catch (error) {
      logger.error('credential skipped: it cannot be decrypted', {
        credentialId: row.id,
        reason: (error as Error).message,
      });
      return undefined;
    }
  }

  function byPriorityThenId(a: Row, b: Row): number {
    return b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  const vault: SqliteCredentialVault = {
    async create(context, input) {
      const parsed = parse(createCredentialRequestSchema, input);
      const stamp = now().toISOString();
      const id = ulid();
      const row: Row = {
        id,
        workspaceId: context.workspaceId,
        name: parsed.name,
        type: parsed.type,
        provider: parsed.provider,
        priority: parsed.priority,
        ...sealedColumns(cipher.seal(parsed.value, { workspaceId: context.workspaceId, credentialId: id })),
        last4: lastFour(parsed.value),
        cooldownUntil: null,
        createdAt: stamp,
        updatedAt: stamp,
        rotatedAt: null,
      };
      uniqueName(row.name, () => db.insert(credentials).values(row).run());
      return toCredential(row, []);
    },

    async list(context) {
      const rows = db
        .select()
        .from(credentials)
        .where(eq(credentials.workspaceId, context.workspaceId))
        .orderBy(asc(credentials.name))
        .all();
      const links = agentIdsOf(rows.map((row) => row.id));
      return rows.map((row) => toCredential(row, links.get(row.id) ?? []));
    },

    async get(context, reference) {
      return present(find(context, reference));
    },

    async update(context, reference, input) {
      const parsed = parse(updateCredentialRequestSchema, input);
      const current = find(context, reference);
      const changes: Partial<Row> = { updatedAt: now().toISOString() };
      if (parsed.name !== undefined) changes.name = parsed.name;
      if (parsed.priority !== undefined) changes.priority = parsed.priority;
      uniqueName(parsed.name ?? current.name, () =>
        db.update(credentials).set(changes).where(eq(credentials.id, current.id)).run(),
      );
      return present({ ...current, ...changes });
    },

    async rotate(context, reference, value) {
      const parsedValue = parse(credentialValueSchema, value);
      const current = find(context, reference);
      const stamp = now().toISOString();
      const changes = {
        ...sealedColumns(cipher.seal(parsedValue, bindingOf(current))),
        last4: lastFour(parsedValue),
        cooldownUntil: null,
        updatedAt: stamp,
        rotatedAt: stamp,
      };
      db.update(credentials).set(changes).where(eq(credentials.id, current.id)).run();
      return present({ ...current, ...changes });
    },

    async delete(context, reference) {
      const current = find(context, reference);
      db.delete(credentials).where(eq(credentials.id, current.id)).run();
    },

    async assign(context, reference, agentReferences) {
      const current = find(context, reference);
      const agentIds = resolveAgents(context, agentReferences);
      db.transaction((tx) => {
        for (const agentId of agentIds) {
          tx.insert(credentialAgents)
            .values({ credentialId: current.id, agentId })
            .onConflictDoNothing()
            .run();
        }
        tx.update(credentials)
          .set({ updatedAt: now().toISOString() })
          .where(eq(credentials.id, current.id))
          .run();
      });
      return present(find(context, current.id));
    },

    async unassign(context, reference, agentReferences) {
      const current = find(context, reference);
      const agentIds = resolveAgents(context, agentReferences);
      db.transaction((tx) => {
        tx.delete(credentialAgents)
          .where(
            and(eq(credentialAgents.credentialId, current.id), inArray(credentialAgents.agentId, agentIds)),
          )
          .run();
        tx.update(credentials)
          .set({ updatedAt: now().toISOString() })
          .where(eq(credentials.id, current.id))
          .run();
      });
      return present(find(context, current.id));
    },

    async select(workspaceId, agentId, provider: CredentialProvider) {
      const ofProvider = and(eq(credentials.workspaceId, workspaceId), eq(credentials.provider, provider));
      let pool = db
        .select({ credential: credentials })
        .from(credentials)
        .innerJoin(credentialAgents, eq(credentialAgents.credentialId, credentials.id))
        .where(and(ofProvider, eq(credentialAgents.agentId, agentId)))
        .all()
        .map((joined) => joined.credential);
      if (pool.length === 0) {
        pool = db
          .select()
          .from(credentials)
          .where(
            and(
              ofProvider,
              notExists(
                db
                  .select({ one: credentialAgents.agentId })
                  .from(credentialAgents)
                  .where(eq(credentialAgents.credentialId, credentials.id)),
              ),
            ),
          )
          .all();
      }
      const ready = pool.filter((row) => coolingUntil(row) === null).sort(byPriorityThenId);
      // When every candidate cools down, the one that recovers first is still better than no call at all.
      const cooling = pool
        .filter((row) => coolingUntil(row) !== null)
        .sort(
          (a, b) =>
            Date.parse(a.cooldownUntil ?? '') - Date.parse(b.cooldownUntil ?? '') || byPriorityThenId(a, b),
        );
      const top = ready.filter((row) => row.priority === ready[0]?.priority);
      const rotationKey = `${workspaceId}|${agentId}|${provider}`;
      const previous = lastUsed.get(rotationKey);
      const start =
        previous === undefined
          ? 0
          : Math.max(
              0,
              top.findIndex((row) => row.id > previous),
            );
      const ordered = [...top.slice(start), ...top.slice(0, start), ...ready.slice(top.length), ...cooling];
      for (const row of ordered) {
        const value = decryptOrSkip(row);
        if (value === undefined) continue;
        if (top.includes(row)) lastUsed.set(rotationKey, row.id);
        return { credential: present(row), value } satisfies SelectedCredential;
      }
      return null;
    },

    async reportFailure(credentialId, status) {
      if (status !== 401 && status !== 429) return;
      const until = new Date(now().getTime() + cooldownMs).toISOString();
      const changed = db
        .update(credentials)
        .set({ cooldownUntil: until })
        .where(eq(credentials.id, credentialId))
        .run().changes;
      if (changed > 0) logger.info('credential cooling down', { credentialId, status, until });
    },

    async reveal(workspaceId, agentId, reference) {
      const row = db
        .select({ credential: credentials })
        .from(credentials)
        .innerJoin(credentialAgents, eq(credentialAgents.credentialId, credentials.id))
        .where(
          and(
            eq(credentials.workspaceId, workspaceId),
            eq(credentialAgents.agentId, agentId),
            or(eq(credentials.id, reference), eq(credentials.name, reference)),
          ),
        )
        .orderBy(asc(credentials.id))
        .get()?.credential;
      if (!row) return null;
      const value = decryptOrSkip(row);
      return value === undefined ? null : { credential: present(row), value };
    },

    async secretValues(workspaceId) {
      const rows = db.select().from(credentials).where(eq(credentials.workspaceId, workspaceId)).all();
      return rows.map(decryptOrSkip).filter((value): value is string => value !== undefined);
    },

    async reencrypt({ newKey, persistKeys }) {
      const next = createCredentialCipher({ current: newKey, previous: undefined });
      if (next.knows(cipher.currentKeyId)) {
        throw new CrewshipError('invalid_input', 'the new encryption key is the current one');
      }
      // Every value must sit under the current key before the previous one can be dropped from secrets.env.
      resealStale();
      const broken = unreadable(db.select().from(credentials).all());
      if (broken.length > 0) {
        throw new CrewshipError(
          'conflict',
          `cannot rotate the encryption key: ${broken.length} credential(s) cannot be decrypted (${broken
            .map((row) => row.id)
            .join(', ')}); rotate their values or delete them first`,
        );
      }
      const keys = { current: Uint8Array.from(newKey), previous: currentKey };
      persistKeys(keys);
      // secrets.env now names the new key: this process follows it even if the re-sealing below fails.
      cipher = createCredentialCipher(keys);
      currentKey = keys.current;
      const reencrypted = db.transaction((tx) => {
        const rows = tx.select().from(credentials).all();
        for (const row of rows) {
          const value = cipher.open(sealedOf(row), bindingOf(row));
          tx.update(credentials)
            .set(sealedColumns(cipher.seal(value, bindingOf(row))))
            .where(eq(credentials.id, row.id))
            .run();
        }
        return rows.length;
      });
      return { reencrypted, keyId: cipher.currentKeyId, previousKeyId: cipher.previousKeyId ?? '' };
    },

    keyIds: () => ({ current: cipher.currentKeyId, previous: cipher.previousKeyId }),
  };
  return vault;
}
