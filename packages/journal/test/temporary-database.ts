import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEntryInput } from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';

export interface TemporaryDatabase {
  file: string;
  database: CrewshipDatabase;
  /** A second connection to the same file, closed by `remove`. */
  reader(): CrewshipDatabase;
  remove(): void;
}

/** A migrated SQLite file in a fresh temp directory. */
export function temporaryDatabase(busyTimeoutMs?: number): TemporaryDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'crewship-journal-'));
  const file = join(dir, 'crewship.db');
  const database = createDatabase(busyTimeoutMs === undefined ? { file } : { file, busyTimeoutMs });
  migrate(database.sqlite);
  const others: CrewshipDatabase[] = [];
  return {
    file,
    database,
    reader() {
      const other = createDatabase({ file });
      others.push(other);
      return other;
    },
    remove() {
      for (const other of others) other.close();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const countRows = (database: CrewshipDatabase) =>
  (database.sqlite.prepare('SELECT COUNT(*) AS n FROM journal_entries').get() as { n: number }).n;

export function entry(summary: string, extra: Partial<JournalEntryInput> = {}): JournalEntryInput {
  return {
    workspaceId: 'w1',
    crewId: 'c1',
    entryType: 'egress.denied',
    actor: 'agent:ada',
    summary,
    payload: { host: 'evil.example' },
    ...extra,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = '2025-01-01T00:00:00.000Z') {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    set: (iso: string) => {
      time = Date.parse(iso);
    },
    advance: (milliseconds: number) => {
      time += milliseconds;
    },
  };
}
