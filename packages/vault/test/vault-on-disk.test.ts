import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CredentialProvider,
  createCredentialRequestSchema,
  type LogFields,
  type Logger,
} from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialVault, type EncryptionKeys, keyIdOf } from '../src/index.js';
import { newKey, secretValue, seededDatabase, teamA, teamB } from './fixtures.js';

let directory: string;
let file: string;
let database: CrewshipDatabase;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'crewship-vault-'));
  file = join(directory, 'crewship.db');
  database = seededDatabase(file);
});

afterEach(() => {
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

function recordingLogger(): Logger & { lines: { message: string; fields?: LogFields }[] } {
  const lines: { message: string; fields?: LogFields }[] = [];
  const logger = {
    lines,
    debug: (message: string, fields?: LogFields) => lines.push({ message, fields }),
    info: (message: string, fields?: LogFields) => lines.push({ message, fields }),
    warn: (message: string, fields?: LogFields) => lines.push({ message, fields }),
    error: (message: string, fields?: LogFields) => lines.push({ message, fields }),
    child: () => logger,
  };
  return logger;
}

function reopen(keys: EncryptionKeys, logger?: Logger) {
  database.close();
  database = createDatabase({ file });
  return createCredentialVault({
    db: database,
    encryptionKey: keys.current,
    previousEncryptionKey: keys.previous,
    logger,
  });
}

async function createMany(vault: ReturnType<typeof createCredentialVault>, count: number) {
  const values = new Map<string, string>();
  for (let index = 0; index < count; index++) {
    const context = index % 2 === 0 ? teamA : teamB;
    const name = `key-${index}`;
    const value = secretValue(name);
    const provider: CredentialProvider = index % 3 === 0 ? 'openai' : 'anthropic';
    const created = await vault.create(
      context,
      createCredentialRequestSchema.parse({ name, provider, value, priority: index }),
    );
    values.set(created.id, value);
  }
  return values;
}

function sealedRows() {
  return database.sqlite
    .prepare('SELECT id, workspace_id, key_id, nonce, ciphertext FROM credentials ORDER BY id')
    .all() as { id: string; workspace_id: string; key_id: string; nonce: Buffer; ciphertext: Buffer }[];
}

async function allValues(vault: ReturnType<typeof createCredentialVault>) {
  return [...(await vault.secretValues('wa')), ...(await vault.secretValues('wb'))].sort();
}

describe('the vault on a real SQLite file', () => {
  it('never writes a plaintext value to the database file or its WAL', async () => {
    const vault = createCredentialVault({ db: database, encryptionKey: newKey() });
    const values = await createMany(vault, 40);
    const firstId = [...values.keys()][0] ?? '';
    const rotatedValue = secretValue('rotated');
    await vault.rotate(teamA, firstId, rotatedValue);
    const searched = [...values.values(), rotatedValue];
    expect(existsSync(`${file}-wal`)).toBe(true);
    const files = [file, `${file}-wal`, `${file}-shm`].filter((path) => existsSync(path));
    const bytes = files.map((path) => readFileSync(path));
    expect(bytes.reduce((total, chunk) => total + chunk.length, 0)).toBeGreaterThan(0);
    // Sanity: the search finds what is really there (names and last4 are stored in clear).
    expect(bytes.some((chunk) => chunk.includes(Buffer.from('key-17')))).toBe(true);
    for (const value of searched) {
      for (const chunk of bytes) {
        expect(chunk.includes(Buffer.from(value))).toBe(false);
        expect(chunk.includes(Buffer.from(value.slice(0, -4)))).toBe(false);
        expect(chunk.includes(Buffer.from(value.slice(8, 24)))).toBe(false);
      }
    }
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const checkpointed = readFileSync(file);
    for (const value of searched) expect(checkpointed.includes(Buffer.from(value.slice(8, 24)))).toBe(false);
  });

  it('a ciphertext copied to another row or workspace does not decrypt there', async () => {
    const logger = recordingLogger();
    const vault = createCredentialVault({ db: database, encryptionKey: newKey(), logger });
    const valueA = secretValue('a');
    const a = await vault.create(
      teamA,
      createCredentialRequestSchema.parse({ name: 'a', provider: 'openai', value: valueA }),
    );
    const a2 = await vault.create(
      teamA,
      createCredentialRequestSchema.parse({ name: 'a2', provider: 'groq', value: secretValue('a2') }),
    );
    const b = await vault.create(
      teamB,
      createCredentialRequestSchema.parse({ name: 'b', provider: 'openai', value: secretValue('b') }),
    );
    const copy = database.sqlite.prepare(
      'UPDATE credentials SET key_id = src.key_id, nonce = src.nonce, ciphertext = src.ciphertext FROM (SELECT key_id, nonce, ciphertext FROM credentials WHERE id = ?) AS src WHERE credentials.id = ?',
    );
    copy.run(a.id, b.id);
    copy.run(a.id, a2.id);
    expect(await vault.select('wb', 'agent-cyd', 'openai')).toBeNull();
    expect(await vault.secretValues('wb')).toEqual([]);
    expect(await vault.select('wa', 'agent-ada', 'groq')).toBeNull();
    expect(await vault.secretValues('wa')).toEqual([valueA]);
    const errors = logger.lines.filter((line) => line.message.includes('cannot be decrypted'));
    expect(errors.map((line) => line.fields?.credentialId).sort()).toEqual([a2.id, a2.id, b.id, b.id].sort());
    expect(JSON.stringify(logger.lines)).not.toContain(valueA);
  });
});

describe('reencrypt', () => {
  it('re-seals every value under the new key; values stay selectable and ciphertexts change', async () => {
    const oldKey = newKey();
    const vault = createCredentialVault({ db: database, encryptionKey: oldKey });
    const values = await createMany(vault, 12);
    const before = sealedRows();
    const key = newKey();
    const persisted: Required<EncryptionKeys>[] = [];
    const result = await vault.reencrypt({ newKey: key, persistKeys: (keys) => persisted.push(keys) });

    expect(result).toEqual({ reencrypted: 12, keyId: keyIdOf(key), previousKeyId: keyIdOf(oldKey) });
    expect(persisted).toHaveLength(1);
    expect(Buffer.from(persisted[0]?.current ?? [])).toEqual(Buffer.from(key));
    expect(Buffer.from(persisted[0]?.previous ?? [])).toEqual(Buffer.from(oldKey));
    expect(vault.keyIds()).toEqual({ current: keyIdOf(key), previous: keyIdOf(oldKey) });
    const after = sealedRows();
    for (const [index, row] of after.entries()) {
      const old = before[index];
      expect(row.id).toBe(old?.id);
      expect(row.key_id).toBe(keyIdOf(key));
      expect(row.nonce.equals(old?.nonce ?? Buffer.alloc(0))).toBe(false);
      expect(row.ciphertext.equals(old?.ciphertext ?? Buffer.alloc(0))).toBe(false);
    }
    expect(await allValues(vault)).toEqual([...values.values()].sort());
    const selected = await vault.select('wa', 'agent-ada', 'anthropic');
    expect(selected?.value).toBe(values.get(selected?.credential.id ?? ''));

    // A restart with only the new key reads everything: nothing is left under the old one.
    const restarted = reopen({ current: key });
    expect(await allValues(restarted)).toEqual([...values.values()].sort());
    // The old key alone reads nothing any more.
    const stale = reopen({ current: oldKey });
    expect(await allValues(stale)).toEqual([]);
  });

  it('survives a crash after the new key was persisted but before the values were re-sealed', async () => {
    const oldKey = newKey();
    const vault = createCredentialVault({ db: database, encryptionKey: oldKey });
    const values = await createMany(vault, 6);
    let saved: Required<EncryptionKeys> | undefined;
    await expect(
      vault.reencrypt({
        newKey: newKey(),
        persistKeys: (keys) => {
          saved = keys;
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    expect(new Set(sealedRows().map((row) => row.key_id))).toEqual(new Set([keyIdOf(oldKey)]));

    const logger = recordingLogger();
    const restarted = reopen(saved ?? { current: oldKey, previous: undefined }, logger);
    expect(await allValues(restarted)).toEqual([...values.values()].sort());
    expect(new Set(sealedRows().map((row) => row.key_id))).toEqual(
      new Set([keyIdOf(saved?.current ?? oldKey)]),
    );
    expect(logger.lines.map((line) => line.message)).toContain(
      're-sealed credentials left under the previous encryption key',
    );
  });

  it('leaves everything readable under the old key when persisting the new key fails', async () => {
    const oldKey = newKey();
    const vault = createCredentialVault({ db: database, encryptionKey: oldKey });
    const values = await createMany(vault, 4);
    await expect(
      vault.reencrypt({
        newKey: newKey(),
        persistKeys: () => {
          throw new Error('ENOSPC');
        },
      }),
    ).rejects.toThrow('ENOSPC');
    expect(vault.keyIds()).toEqual({ current: keyIdOf(oldKey), previous: undefined });
    expect(await allValues(reopen({ current: oldKey }))).toEqual([...values.values()].sort());
  });

  it('survives a failure in the middle of the re-sealing transaction (rolled back, old key still known)', async () => {
    const oldKey = newKey();
    const vault = createCredentialVault({ db: database, encryptionKey: oldKey });
    const values = await createMany(vault, 8);
    const before = sealedRows();
    database.sqlite.exec(`
      CREATE TEMP TABLE reseals (n INTEGER);
      CREATE TEMP TRIGGER crash_midway BEFORE UPDATE OF ciphertext ON main.credentials
      BEGIN
        INSERT INTO reseals VALUES (1);
        SELECT RAISE(ABORT, 'disk I/O error') WHERE (SELECT count(*) FROM reseals) > 4;
      END;`);
    let saved: Required<EncryptionKeys> | undefined;
    const persistKeys = (keys: Required<EncryptionKeys>) => {
      saved = keys;
    };
    await expect(vault.reencrypt({ newKey: newKey(), persistKeys })).rejects.toThrow('disk I/O error');
    expect(sealedRows()).toEqual(before);
    // The running vault already follows the persisted keys and still reads and writes.
    expect(await allValues(vault)).toEqual([...values.values()].sort());
    const fresh = secretValue('fresh');
    await vault.create(
      teamA,
      createCredentialRequestSchema.parse({ name: 'fresh', provider: 'xai', value: fresh }),
    );
    expect((await vault.select('wa', 'agent-ada', 'xai'))?.value).toBe(fresh);

    const restarted = reopen(saved ?? { current: oldKey });
    expect(await allValues(restarted)).toEqual([...values.values(), fresh].sort());
    expect(new Set(sealedRows().map((row) => row.key_id))).toEqual(
      new Set([keyIdOf(saved?.current ?? oldKey)]),
    );
  });

  it('finishes a half-done rotation before the next one drops the oldest key', async () => {
    const vault = createCredentialVault({ db: database, encryptionKey: newKey() });
    const values = await createMany(vault, 5);
    database.sqlite.exec(`CREATE TEMP TRIGGER crash BEFORE UPDATE OF ciphertext ON main.credentials
      BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;`);
    await expect(vault.reencrypt({ newKey: newKey(), persistKeys: () => {} })).rejects.toThrow(
      'disk I/O error',
    );
    database.sqlite.exec('DROP TRIGGER temp.crash');
    // The next rotation stops right after persisting its keys, which no longer hold the first key.
    let saved: Required<EncryptionKeys> | undefined;
    await expect(
      vault.reencrypt({
        newKey: newKey(),
        persistKeys: (keys) => {
          saved = keys;
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    expect(saved).toBeDefined();
    expect(await allValues(reopen(saved ?? { current: newKey() }))).toEqual([...values.values()].sort());
  });

  it('rotates twice; after the second, the first key is no longer needed', async () => {
    const vault = createCredentialVault({ db: database, encryptionKey: newKey() });
    const values = await createMany(vault, 5);
    const keys: Required<EncryptionKeys>[] = [];
    await vault.reencrypt({ newKey: newKey(), persistKeys: (k) => keys.push(k) });
    await vault.reencrypt({ newKey: newKey(), persistKeys: (k) => keys.push(k) });
    expect(Buffer.from(keys[1]?.previous ?? [])).toEqual(Buffer.from(keys[0]?.current ?? []));
    expect(await allValues(vault)).toEqual([...values.values()].sort());
    expect(await allValues(reopen(keys[1] ?? keys[0]!))).toEqual([...values.values()].sort());
  });

  it('refuses to rotate while a value cannot be decrypted, and refuses the same key', async () => {
    const key = newKey();
    const vault = createCredentialVault({ db: database, encryptionKey: key });
    const values = await createMany(vault, 3);
    const victim = [...values.keys()][1] ?? '';
    database.sqlite
      .prepare('UPDATE credentials SET ciphertext = zeroblob(length(ciphertext)) WHERE id = ?')
      .run(victim);
    let persisted = 0;
    const error = await vault
      .reencrypt({ newKey: newKey(), persistKeys: () => void persisted++ })
      .catch((caught: Error) => caught);
    expect(error).toMatchObject({ kind: 'conflict' });
    expect((error as Error).message).toContain(victim);
    expect(persisted).toBe(0);
    await expect(
      vault.reencrypt({ newKey: Uint8Array.from(key), persistKeys: () => void persisted++ }),
    ).rejects.toMatchObject({ kind: 'invalid_input' });
    await expect(
      vault.reencrypt({ newKey: new Uint8Array(8), persistKeys: () => void persisted++ }),
    ).rejects.toMatchObject({ kind: 'invalid_input' });
    expect(persisted).toBe(0);
  });
});
