import { createHash } from 'node:crypto';
import {
  CrewshipError,
  type JournalEntry,
  type JournalEntryInput,
  type JournalSeverity,
  type JournalWriter,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { ulid } from 'ulid';

export const GENESIS_HASH = '0'.repeat(64);
const MAX_SUMMARY_CHARS = 2000;
const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface SqliteJournalOptions {
  database: CrewshipDatabase;
  /** Applied to the summary and to every string in the payload before anything is stored. */
  scrub?: (text: string) => string;
  now?: () => Date;
}

export interface JournalFilter {
  workspaceId: string;
  entryType?: string;
  crewId?: string;
  agentId?: string;
  traceId?: string;
  /** Only entries after this sequence number (a cursor). */
  afterSeq?: number;
  limit?: number;
}

export interface JournalVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match, when `ok` is false. */
  brokenAtSeq: number | null;
}

export interface SqliteJournal extends JournalWriter {
  list(filter: JournalFilter): JournalEntry[];
  /** Full-text search (FTS5 syntax) over summary and payload, newest first. */
  search(workspaceId: string, query: string, limit?: number): JournalEntry[];
  verify(): JournalVerification;
}

interface Row {
  seq: number;
  id: string;
  at: string;
  workspace_id: string;
  crew_id: string | null;
  agent_id: string | null;
  trace_id: string | null;
  entry_type: string;
  severity: JournalSeverity;
  actor: string;
  summary: string;
  payload: string;
  prev_hash: string;
  entry_hash: string;
}

/** SHA-256 over the previous hash and every stored column of the entry, in a fixed order. */
export function journalEntryHash(prevHash: string, row: Omit<Row, 'prev_hash' | 'entry_hash'>): string {
  const fields = [
    row.seq,
    row.id,
    row.at,
    row.workspace_id,
    row.crew_id,
    row.agent_id,
    row.trace_id,
    row.entry_type,
    row.severity,
    row.actor,
    row.summary,
    row.payload,
  ];
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

function scrubDeep(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, scrub)]));
  }
  return value;
}

function toEntry(row: Row): JournalEntry {
  return {
    id: row.id,
    seq: row.seq,
    at: row.at,
    workspaceId: row.workspace_id,
    crewId: row.crew_id,
    agentId: row.agent_id,
    traceId: row.trace_id,
    entryType: row.entry_type,
    severity: row.severity,
    actor: row.actor,
    summary: row.summary,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
  };
}

/** The journal on the server's SQLite file (migration `0004_journal`). */
export function createSqliteJournal(options: SqliteJournalOptions): SqliteJournal {
  const { sqlite } = options.database;
  const scrub = options.scrub ?? ((text: string) => text);
  const now = options.now ?? (() => new Date());
  const last = sqlite.prepare<[], { seq: number; entry_hash: string }>(
    'SELECT seq, entry_hash FROM journal_entries ORDER BY seq DESC LIMIT 1',
  );
  const insert = sqlite.prepare<Row>(
    `INSERT INTO journal_entries (seq, id, at, workspace_id, crew_id, agent_id, trace_id, entry_type, severity,
       actor, summary, payload, prev_hash, entry_hash)
     VALUES (@seq, @id, @at, @workspace_id, @crew_id, @agent_id, @trace_id, @entry_type, @severity,
       @actor, @summary, @payload, @prev_hash, @entry_hash)`,
  );
  const appendRow = sqlite
    .transaction((draft: Omit<Row, 'seq' | 'prev_hash' | 'entry_hash'>): Row => {
      const previous = last.get();
      const seq = (previous?.seq ?? 0) + 1;
      const prevHash = previous?.entry_hash ?? GENESIS_HASH;
      const unhashed = { ...draft, seq };
      const row: Row = { ...unhashed, prev_hash: prevHash, entry_hash: journalEntryHash(prevHash, unhashed) };
      insert.run(row);
      return row;
    })
    .immediate.bind(null);

  function prepareDraft(input: JournalEntryInput): Omit<Row, 'seq' | 'prev_hash' | 'entry_hash'> {
    if (!/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/.test(input.entryType)) {
      throw new CrewshipError('invalid_input', `journal entry type "${input.entryType}" must be noun.verb`);
    }
    const payload = JSON.stringify(scrubDeep(input.payload ?? {}, scrub));
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new CrewshipError('too_large', `journal payload is over ${MAX_PAYLOAD_BYTES} bytes`);
    }
    return {
      id: ulid(),
      at: now().toISOString(),
      workspace_id: input.workspaceId,
      crew_id: input.crewId ?? null,
      agent_id: input.agentId ?? null,
      trace_id: input.traceId ?? null,
      entry_type: input.entryType,
      severity: input.severity ?? 'info',
      actor: input.actor,
      summary: scrub(input.summary).slice(0, MAX_SUMMARY_CHARS),
      payload,
    };
  }

  return {
    async append(input) {
      return toEntry(appendRow(prepareDraft(input)));
    },

    list(filter) {
      const clauses = ['workspace_id = @workspaceId'];
      if (filter.entryType) clauses.push('entry_type = @entryType');
      if (filter.crewId) clauses.push('crew_id = @crewId');
      if (filter.agentId) clauses.push('agent_id = @agentId');
      if (filter.traceId) clauses.push('trace_id = @traceId');
      if (filter.afterSeq !== undefined) clauses.push('seq > @afterSeq');
      const rows = sqlite
        .prepare<Record<string, unknown>, Row>(
          `SELECT * FROM journal_entries WHERE ${clauses.join(' AND ')} ORDER BY seq LIMIT @limit`,
        )
        .all({ ...filter, limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000) });
      return rows.map(toEntry);
    },

    search(workspaceId, query, limit = 50) {
      try {
        return sqlite
          .prepare<{ workspaceId: string; query: string; limit: number }, Row>(
            `SELECT e.* FROM journal_fts f JOIN journal_entries e ON e.seq = f.rowid
             WHERE journal_fts MATCH @query AND e.workspace_id = @workspaceId ORDER BY e.seq DESC LIMIT @limit`,
          )
          .all({ workspaceId, query, limit: Math.min(Math.max(limit, 1), 1000) })
          .map(toEntry);
      } catch (error) {
        throw new CrewshipError(
          'invalid_input',
          `search query "${query}" is not valid: ${(error as Error).message}`,
        );
      }
    },

    verify() {
      let prevHash = GENESIS_HASH;
      let checked = 0;
      let expectedSeq = 1;
      for (const row of sqlite.prepare<[], Row>('SELECT * FROM journal_entries ORDER BY seq').iterate()) {
        const { prev_hash: storedPrev, entry_hash: storedHash, ...unhashed } = row;
        if (
          row.seq !== expectedSeq ||
          storedPrev !== prevHash ||
          storedHash !== journalEntryHash(prevHash, unhashed)
        ) {
          return { ok: false, checked, brokenAtSeq: row.seq };
        }
        prevHash = storedHash;
        checked += 1;
        expectedSeq += 1;
      }
      return { ok: true, checked, brokenAtSeq: null };
    },
  };
}
