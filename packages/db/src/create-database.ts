import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.js';

export type CrewshipDrizzle = BetterSQLite3Database<typeof schema>;

export interface CrewshipDatabase {
  /** Typed query builder over the schema. */
  db: CrewshipDrizzle;
  /** The raw connection, for migrations, pragmas and hand-written statements. */
  sqlite: Database.Database;
  close(): void;
}

export interface CreateDatabaseOptions {
  /** Path of the SQLite file, or `:memory:`. */
  file: string;
  readonly?: boolean;
  busyTimeoutMs?: number;
}

/** Opens a SQLite file with WAL, foreign keys and a busy timeout. */
export function createDatabase(options: CreateDatabaseOptions): CrewshipDatabase {
  if (options.file !== ':memory:' && !options.readonly) mkdirSync(dirname(options.file), { recursive: true });
  const sqlite = new Database(options.file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  if (!options.readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  if (!options.readonly) sqlite.pragma('synchronous = NORMAL');
  return {
    db: drizzle(sqlite, { schema }),
    sqlite,
    close: () => sqlite.close(),
  };
}
