import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, MIGRATIONS, migrate, migrationStatus } from '../src/index.js';
import * as schema from '../src/schema/index.js';

const directories: string[] = [];
function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'crewship-db-'));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('createDatabase', () => {
  it('opens SQLite with WAL, foreign keys and a busy timeout', () => {
    const database = createDatabase({ file: join(tempDir(), 'nested', 'crewship.db') });
    expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(database.sqlite.prepare("SELECT sqlite_compileoption_used('ENABLE_FTS5') AS fts5").get()).toEqual({
      fts5: 1,
    });
    database.close();
  });
});

describe('migrate', () => {
  it('applies every migration once, without a snapshot of an empty file', () => {
    const directory = tempDir();
    const database = createDatabase({ file: join(directory, 'crewship.db') });
    const first = migrate(database.sqlite, { snapshotDir: join(directory, 'backups') });
    expect(first.applied).toEqual(MIGRATIONS.map((migration) => migration.id));
    expect(first.snapshot).toBeNull();
    expect(migrate(database.sqlite, { snapshotDir: join(directory, 'backups') })).toEqual({
      applied: [],
      snapshot: null,
    });
    expect(migrationStatus(database.sqlite).pending).toEqual([]);
    database.close();
  });

  it('snapshots with VACUUM INTO before upgrading a file that has data', () => {
    const directory = tempDir();
    const database = createDatabase({ file: join(directory, 'crewship.db') });
    migrate(database.sqlite, { target: '0001_accounts' });
    const result = migrate(database.sqlite, { snapshotDir: join(directory, 'backups') });
    expect(result.applied).toEqual(MIGRATIONS.slice(1).map((migration) => migration.id));
    expect(readdirSync(join(directory, 'backups'))).toHaveLength(1);
    const snapshot = createDatabase({ file: result.snapshot ?? '', readonly: true });
    expect(migrationStatus(snapshot.sqlite).pending).toEqual(result.applied);
    snapshot.close();
    database.close();
  });

  it('rolls back every pending migration when one fails', () => {
    const database = createDatabase({ file: join(tempDir(), 'crewship.db') });
    const broken = [
      { id: '0001_ok', sql: 'CREATE TABLE good (id INTEGER)' },
      { id: '0002_bad', sql: 'CREATE TABLE oops (' },
    ];
    expect(() => migrate(database.sqlite, { migrations: broken })).toThrow();
    const tables = database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    expect(tables).toEqual([]);
    database.close();
  });

  it('matches the drizzle schema column for column', () => {
    const database = createDatabase({ file: ':memory:' });
    migrate(database.sqlite);
    for (const table of Object.values(schema) as SQLiteTable[]) {
      const config = getTableConfig(table);
      const columns = (
        database.sqlite.prepare(`PRAGMA table_info(${config.name})`).all() as { name: string }[]
      )
        .map((column) => column.name)
        .sort();
      expect(columns, config.name).toEqual(config.columns.map((column) => column.name).sort());
    }
    database.close();
  });
});
