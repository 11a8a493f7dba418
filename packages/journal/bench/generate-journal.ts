import { createDatabase, migrate } from '@crewship/db';
import { monotonicFactory } from 'ulid';
import { GENESIS_HASH, journalEntryHash } from '../src/index.js';
import { benchEntries, random } from './bench-corpus.js';

const INSERT = `INSERT INTO journal_entries (seq, id, at, workspace_id, crew_id, agent_id, trace_id, entry_type,
  severity, actor, summary, payload, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Writes a valid journal of `count` entries with raw inserts in one transaction. The FTS5 mirror is built
 * by one 'rebuild' instead of the per-row trigger (10x faster at this size); the trigger is then restored.
 */
export function generateJournal(file: string, count: number): number {
  const database = createDatabase({ file });
  migrate(database.sqlite);
  database.sqlite.pragma('cache_size = -262144');
  const insert = database.sqlite.prepare(INSERT);
  const ulid = monotonicFactory(random(1));
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const started = performance.now();
  const trigger = database.sqlite
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'journal_entries_fts'")
    .get();
  if (!trigger) throw new Error('the FTS trigger of migration 0004 is missing');
  database.sqlite.exec('DROP TRIGGER journal_entries_fts');
  database.sqlite
    .transaction(() => {
      let prevHash = GENESIS_HASH;
      let seq = 0;
      for (const input of benchEntries(count)) {
        seq += 1;
        const time = start + seq * 2500;
        const row = {
          seq,
          id: ulid(time),
          at: new Date(time).toISOString(),
          workspace_id: input.workspaceId,
          crew_id: input.crewId ?? null,
          agent_id: input.agentId ?? null,
          trace_id: input.traceId ?? null,
          entry_type: input.entryType,
          severity: input.severity ?? 'info',
          actor: input.actor,
          summary: input.summary,
          payload: JSON.stringify(input.payload ?? {}),
        };
        const entryHash = journalEntryHash(prevHash, row);
        insert.run(Object.values(row).concat(prevHash, entryHash));
        prevHash = entryHash;
      }
      database.sqlite.exec("INSERT INTO journal_fts(journal_fts) VALUES('rebuild')");
      database.sqlite.exec(trigger.sql);
    })
    .immediate();
  database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
  return performance.now() - started;
}
