import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CrewshipError, type Logger, silentLogger } from '@crewship/contracts';
import type BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Migrations recorded in the file that this build does not know (the file is from a newer Crewship). */
  unknown: string[];
}

export interface MigrateOptions {
  /** Where the `VACUUM INTO` snapshot goes; no snapshot when omitted. */
  snapshotDir?: string;
  /** Stop after this migration id (used to build older database files in tests). */
  target?: string;
  logger?: Logger;
  migrations?: readonly Migration[];
  now?: () => Date;
}

export interface MigrateResult {
  applied: string[];
  snapshot: string | null;
}

const LEDGER = 'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)';

export function migrationStatus(
  sqlite: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationStatus {
  const hasLedger = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  const recorded = hasLedger
    ? (sqlite.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map(
        (row) => row.id,
      )
    : [];
  const known = new Set(migrations.map((migration) => migration.id));
  const done = new Set(recorded);
  return {
    applied: recorded.filter((id) => known.has(id)),
    pending: migrations.filter((migration) => !done.has(migration.id)).map((migration) => migration.id),
    unknown: recorded.filter((id) => !known.has(id)),
  };
}

/**
 * Applies pending migrations in one transaction. When the file already holds applied migrations,
 * a `VACUUM INTO` snapshot is written first so a failed upgrade can be rolled back by hand.
 */
export function migrate(sqlite: BetterSqlite3.Database, options: MigrateOptions = {}): MigrateResult {
  const logger = options.logger ?? silentLogger;
  const migrations = options.migrations ?? MIGRATIONS;
  const status = migrationStatus(sqlite, migrations);
  if (status.unknown.length > 0) {
    throw new CrewshipError(
      'unavailable',
      `the database was written by a newer Crewship (unknown migrations: ${status.unknown.join(', ')}); upgrade Crewship or restore a backup`,
    );
  }
  let pending = migrations.filter((migration) => status.pending.includes(migration.id));
  if (options.target !== undefined) {
    const last = migrations.findIndex((migration) => migration.id === options.target);
    if (last < 0) throw new CrewshipError('invalid_input', `unknown migration target ${options.target}`);
    const allowed = new Set(migrations.slice(0, last + 1).map((migration) => migration.id));
    pending = pending.filter((migration) => allowed.has(migration.id));
  }
  if (pending.length === 0) return { applied: [], snapshot: null };

  let snapshot: string | null = null;
  if (options.snapshotDir !== undefined && status.applied.length > 0) {
    mkdirSync(options.snapshotDir, { recursive: true });
    const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    snapshot = join(options.snapshotDir, `pre-migrate-${stamp}.db`);
    sqlite.prepare('VACUUM INTO ?').run(snapshot);
    logger.info('database snapshot written before migrating', {
      snapshot,
      pending: pending.map((m) => m.id),
    });
  }

  const appliedAt = (options.now?.() ?? new Date()).toISOString();
  const record = () => sqlite.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  sqlite.transaction(() => {
    sqlite.exec(LEDGER);
    const insert = record();
    for (const migration of pending) {
      sqlite.exec(migration.sql);
      insert.run(migration.id, appliedAt);
    }
  })();
  const applied = pending.map((migration) => migration.id);
  logger.info('database migrated', { applied });
  return { applied, snapshot };
}
