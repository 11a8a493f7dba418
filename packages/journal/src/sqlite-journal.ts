import { randomFillSync } from 'node:crypto';
import {
  CrewshipError,
  idSchema,
  JOURNAL_SEVERITIES,
  type JournalEntry,
  type JournalEntryInput,
  type JournalSeverity,
  type JournalWriter,
  type Logger,
  type OpenRunFinder,
  silentLogger,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import { decodeJournalCursor, encodeJournalCursor, type JournalOrder } from './journal-cursor.js';
import { GENESIS_HASH, type JournalRow, journalEntryHash, rowToEntry } from './journal-row.js';
import { createRunProjections, type RunProjections } from './run-projections.js';

const MAX_SUMMARY_CHARS = 2000;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const ENTRY_TYPE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const TYPE_FILTER = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)(\.\*)?$/;

const entryInputSchema = z.object({
  workspaceId: idSchema,
  crewId: idSchema.nullish(),
  agentId: idSchema.nullish(),
  traceId: idSchema.nullish(),
  entryType: z.string().max(100).regex(ENTRY_TYPE, 'must be noun.verb (lowercase, dotted), e.g. run.started'),
  severity: z.enum(JOURNAL_SEVERITIES).optional(),
  actor: z.string().min(1).max(200),
  summary: z.string(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

export interface SqliteJournalOptions {
  database: CrewshipDatabase;
  /** Applied to the summary and to every string in the payload before anything is stored. */
  scrub?: (text: string) => string;
  now?: () => Date;
  /** Receives failures of subscribers. */
  logger?: Logger;
}

export interface JournalFilter {
  workspaceId: string;
  /** FTS5 query over summary and payload. */
  q?: string;
  /** Exact type, or every type under a prefix when it ends with `.*` (`run.*`). */
  entryType?: string;
  crewId?: string;
  agentId?: string;
  traceId?: string;
  /** Only entries written at or after this ISO time. */
  since?: string;
  /** Only entries after this sequence number. */
  afterSeq?: number;
  /** `newest` first (default, the API's order) or `oldest` first (replay after a seq). */
  order?: JournalOrder;
  /** `nextCursor` of the previous page; it carries the order. */
  cursor?: string;
  /** 1..1000, default 100. */
  limit?: number;
}

export interface JournalPage {
  items: JournalEntry[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface JournalVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match, when `ok` is false. */
  brokenAtSeq: number | null;
}

declare const draftBrand: unique symbol;
/** A validated, scrubbed entry waiting for its seq, time and hash (see `prepare`). */
export interface JournalDraft {
  readonly [draftBrand]: true;
}
interface DraftFields {
  id: string;
  workspaceId: string;
  crewId: string | null;
  agentId: string | null;
  traceId: string | null;
  entryType: string;
  severity: JournalSeverity;
  actor: string;
  summary: string;
  payloadText: string;
  payload: Record<string, unknown>;
}

export type JournalListener = (entry: JournalEntry) => void;

export interface SqliteJournal extends JournalWriter, OpenRunFinder, RunProjections {
  /** Validates and scrubs an entry; throws `invalid_input` or `too_large`. */
  prepare(input: JournalEntryInput): JournalDraft;
  /** Stores drafts in one immediate transaction, chained in order; throws `unavailable` when SQLite is busy. */
  appendMany(drafts: readonly JournalDraft[]): JournalEntry[];
  /**
   * Calls `listener` with every entry this journal object stores, after its commit, in seq order. Listeners
   * run synchronously on the write path: keep them quick; one that throws is logged and skipped.
   */
  subscribe(listener: JournalListener): () => void;
  list(filter: JournalFilter): JournalPage;
  /** Full-text search (FTS5 syntax) over summary and payload, newest first. */
  search(workspaceId: string, query: string, limit?: number): JournalEntry[];
  verify(): JournalVerification;
}

type Statement = ReturnType<CrewshipDatabase['sqlite']['prepare']>;

function writeError(error: unknown, count: number): CrewshipError {
  if (error instanceof CrewshipError) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new CrewshipError(
      'unavailable',
      `the journal is busy (another connection holds the write lock); ${count} entries were not stored`,
      { cause: error },
    );
  }
  return new CrewshipError('internal', `the journal could not store ${count} entries: ${message}`, {
    cause: error,
  });
}

function searchError(query: string, error: unknown): CrewshipError {
  const message = error instanceof Error ? error.message : String(error);
  if (/fts5|unterminated string|no such column|unknown special query/i.test(message)) {
    return new CrewshipError(
      'invalid_input',
      `search query ${JSON.stringify(query)} is not valid FTS5 syntax (${message}); put terms containing ` +
        `punctuation such as - . : ' in double quotes, e.g. "exit-code" or "README.md"`,
      { cause: error },
    );
  }
  return new CrewshipError('internal', `journal search failed: ${message}`, { cause: error });
}

/** ulid's default PRNG draws one byte per call from the OS (~60 µs an id); this reads a pooled buffer. */
function pooledRandom(): () => number {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

function normalizeSince(since: string): string {
  const time = Date.parse(since);
  if (Number.isNaN(time))
    throw new CrewshipError('invalid_input', `since "${since}" is not an ISO 8601 time`);
  return new Date(time).toISOString();
}

/** The journal on the server's SQLite file (migration `0004_journal`). */
export function createSqliteJournal(options: SqliteJournalOptions): SqliteJournal {
  const { sqlite } = options.database;
  const scrub = options.scrub;
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const listeners = new Set<JournalListener>();
  const ulid = monotonicFactory(pooledRandom());
  const scrubStrings = scrub
    ? (_key: string, value: unknown) => (typeof value === 'string' ? scrub(value) : value)
    : undefined;

  const last = sqlite.prepare<[], { seq: number; at: string; entry_hash: string }>(
    'SELECT seq, at, entry_hash FROM journal_entries ORDER BY seq DESC LIMIT 1',
  );
  const atOfSeq = sqlite.prepare<[number], { at: string }>('SELECT at FROM journal_entries WHERE seq = ?');
  const insert = sqlite.prepare(
    `INSERT INTO journal_entries (seq, id, at, workspace_id, crew_id, agent_id, trace_id, entry_type, severity,
       actor, summary, payload, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  // `at` is the commit time and never decreases along seq, so a time maps to a seq (see resolveSince).
  const writeRows = sqlite.transaction((drafts: readonly DraftFields[]): JournalEntry[] => {
    const previous = last.get();
    let seq = previous?.seq ?? 0;
    let prevHash = previous?.entry_hash ?? GENESIS_HASH;
    let at = now().toISOString();
    if (previous && previous.at > at) at = previous.at;
    const entries: JournalEntry[] = new Array(drafts.length);
    for (let index = 0; index < drafts.length; index++) {
      const draft = drafts[index]!;
      seq += 1;
      const entryHash = journalEntryHash(prevHash, {
        seq,
        id: draft.id,
        at,
        workspace_id: draft.workspaceId,
        crew_id: draft.crewId,
        agent_id: draft.agentId,
        trace_id: draft.traceId,
        entry_type: draft.entryType,
        severity: draft.severity,
        actor: draft.actor,
        summary: draft.summary,
        payload: draft.payloadText,
      });
      insert.run(
        seq,
        draft.id,
        at,
        draft.workspaceId,
        draft.crewId,
        draft.agentId,
        draft.traceId,
        draft.entryType,
        draft.severity,
        draft.actor,
        draft.summary,
        draft.payloadText,
        prevHash,
        entryHash,
      );
      entries[index] = {
        id: draft.id,
        seq,
        at,
        workspaceId: draft.workspaceId,
        crewId: draft.crewId,
        agentId: draft.agentId,
        traceId: draft.traceId,
        entryType: draft.entryType,
        severity: draft.severity,
        actor: draft.actor,
        summary: draft.summary,
        payload: draft.payload,
        prevHash,
        entryHash,
      };
      prevHash = entryHash;
    }
    return entries;
  }).immediate;

  function prepare(input: JournalEntryInput): JournalDraft {
    const parsed = entryInputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      throw new CrewshipError(
        'invalid_input',
        `journal entry is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
        { details: { issues } },
      );
    }
    const value = parsed.data;
    let payloadText: string;
    try {
      payloadText = JSON.stringify(value.payload ?? {}, scrubStrings);
    } catch (error) {
      throw new CrewshipError('invalid_input', 'journal payload is not JSON-serialisable', { cause: error });
    }
    if (payloadText.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(payloadText) > MAX_PAYLOAD_BYTES) {
      throw new CrewshipError('too_large', `journal payload is over ${MAX_PAYLOAD_BYTES} bytes`);
    }
    const draft: DraftFields = {
      id: ulid(),
      workspaceId: value.workspaceId,
      crewId: value.crewId ?? null,
      agentId: value.agentId ?? null,
      traceId: value.traceId ?? null,
      entryType: value.entryType,
      severity: value.severity ?? 'info',
      actor: value.actor,
      summary: (scrub ? scrub(value.summary) : value.summary).slice(0, MAX_SUMMARY_CHARS),
      payloadText,
      payload: JSON.parse(payloadText) as Record<string, unknown>,
    };
    return draft as unknown as JournalDraft;
  }

  function appendMany(drafts: readonly JournalDraft[]): JournalEntry[] {
    if (drafts.length === 0) return [];
    let entries: JournalEntry[];
    try {
      entries = writeRows(drafts as unknown as readonly DraftFields[]);
    } catch (error) {
      throw writeError(error, drafts.length);
    }
    if (listeners.size > 0) notify(entries);
    return entries;
  }

  function notify(entries: readonly JournalEntry[]) {
    const current = [...listeners];
    for (const entry of entries) {
      for (const listener of current) {
        try {
          listener(entry);
        } catch (error) {
          logger.error('journal subscriber failed', { seq: entry.seq, error: String(error) });
        }
      }
    }
  }

  /** Normalizes `since` and finds the first seq at or after it by bisecting seq (1..last, no gaps). */
  function resolveSince(sinceText: string): { since: string; seq: number } | null {
    const since = normalizeSince(sinceText);
    const newest = last.get();
    if (!newest || newest.at < since) return null;
    let low = 1;
    let high = newest.seq;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const at = atOfSeq.get(middle)?.at;
      if (at === undefined || at < since) low = middle + 1;
      else high = middle;
    }
    return { since, seq: low };
  }

  const statements = new Map<string, Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = sqlite.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };

  function list(filter: JournalFilter): JournalPage {
    const cursor = filter.cursor === undefined ? null : decodeJournalCursor(filter.cursor);
    if (cursor && filter.order !== undefined && filter.order !== cursor.order) {
      throw new CrewshipError(
        'invalid_input',
        `cursor is for ${cursor.order}-first pages, not ${filter.order}`,
      );
    }
    const order = cursor?.order ?? filter.order ?? 'newest';
    if (order !== 'newest' && order !== 'oldest') {
      throw new CrewshipError('invalid_input', `order "${String(order)}" is not newest or oldest`);
    }
    const limit = Number.isFinite(filter.limit)
      ? Math.min(Math.max(Math.trunc(filter.limit!), 1), 1000)
      : 100;
    const fts = filter.q !== undefined;
    // With a text query the seq bounds go to the FTS5 rowid and FTS5 walks its doclist in seq order; the
    // unary + keeps SQLite from copying the bounds to e.seq and driving the join from the seq index.
    const seq = fts ? 'f.rowid' : 'e.seq';
    const params: Record<string, unknown> = { workspaceId: filter.workspaceId, limit: limit + 1 };
    const clauses = ['e.workspace_id = @workspaceId'];
    if (fts) {
      clauses.push('journal_fts MATCH @q');
      params.q = filter.q;
    }
    if (filter.entryType !== undefined) {
      const match = TYPE_FILTER.exec(filter.entryType);
      if (!match) {
        throw new CrewshipError(
          'invalid_input',
          `type "${filter.entryType}" must be an entry type (run.started) or a prefix ending in .* (run.*)`,
        );
      }
      if (match[2]) {
        clauses.push('e.entry_type >= @typeFrom AND e.entry_type < @typeTo');
        Object.assign(params, { typeFrom: `${match[1]}.`, typeTo: `${match[1]}/` });
      } else {
        clauses.push('e.entry_type = @entryType');
        params.entryType = filter.entryType;
      }
    }
    for (const [key, column] of [
      ['crewId', 'crew_id'],
      ['agentId', 'agent_id'],
      ['traceId', 'trace_id'],
    ] as const) {
      if (filter[key] !== undefined) {
        clauses.push(`e.${column} = @${key}`);
        params[key] = filter[key];
      }
    }
    if (filter.since !== undefined) {
      const since = resolveSince(filter.since);
      if (since === null) return { items: [], nextCursor: null };
      clauses.push(`${seq} >= @sinceSeq AND e.at >= @since`);
      Object.assign(params, { sinceSeq: since.seq, since: since.since });
    }
    if (filter.afterSeq !== undefined) {
      clauses.push(`${seq} > @afterSeq`);
      params.afterSeq = filter.afterSeq;
    }
    if (cursor) {
      clauses.push(`${seq} ${order === 'newest' ? '<' : '>'} @cursorSeq`);
      params.cursorSeq = cursor.seq;
    }
    const from = fts ? 'journal_fts f JOIN journal_entries e ON e.seq = +f.rowid' : 'journal_entries e';
    const sql = `SELECT e.* FROM ${from} WHERE ${clauses.join(' AND ')}
      ORDER BY ${seq} ${order === 'newest' ? 'DESC' : 'ASC'} LIMIT @limit`;
    let rows: JournalRow[];
    try {
      rows = statement(sql).all(params) as JournalRow[];
    } catch (error) {
      if (fts) throw searchError(filter.q ?? '', error);
      throw error;
    }
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(rowToEntry);
    const lastItem = items.at(-1);
    return {
      items,
      nextCursor: more && lastItem ? encodeJournalCursor({ order, seq: lastItem.seq }) : null,
    };
  }

  return {
    ...createRunProjections(sqlite, resolveSince),
    prepare,
    appendMany,

    async append(input) {
      return appendMany([prepare(input)])[0]!;
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    list,

    search(workspaceId, query, limit = 50) {
      return list({ workspaceId, q: query, limit }).items;
    },

    verify() {
      let prevHash = GENESIS_HASH;
      let checked = 0;
      let expectedSeq = 1;
      for (const row of sqlite
        .prepare<[], JournalRow>('SELECT * FROM journal_entries ORDER BY seq')
        .iterate()) {
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
