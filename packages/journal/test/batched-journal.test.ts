import { type CrewshipError, isCrewshipError, type JournalEntry } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchedJournal, createSqliteJournal, type SqliteJournal } from '../src/index.js';
import { countRows, entry, type TemporaryDatabase, temporaryDatabase } from './temporary-database.js';

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'stored',
    (error: unknown) => (isCrewshipError(error) ? error.kind : String(error)),
  );

/** Records the size of every batch the writer hands to the journal. */
function countingBatches(journal: SqliteJournal) {
  const batches: number[] = [];
  return {
    batches,
    target: {
      prepare: journal.prepare,
      appendMany: (drafts: Parameters<SqliteJournal['appendMany']>[0]) => {
        batches.push(drafts.length);
        return journal.appendMany(drafts);
      },
    },
  };
}

describe('batched journal writer', () => {
  let temporary: TemporaryDatabase;
  let journal: SqliteJournal;
  beforeEach(() => {
    temporary = temporaryDatabase();
    journal = createSqliteJournal({ database: temporary.database });
  });
  afterEach(() => {
    vi.useRealTimers();
    temporary.remove();
  });

  it('keeps the chain valid under 10,000 concurrent appends, in append order', async () => {
    const writer = createBatchedJournal(journal);
    const stored = await Promise.all(
      Array.from({ length: 10_000 }, (_, index) =>
        writer.append(entry(`call ${index}`, { traceId: `r${index % 7}`, payload: { index } })),
      ),
    );
    expect(stored.map((item) => item.seq)).toEqual(Array.from({ length: 10_000 }, (_, index) => index + 1));
    expect(stored.map((item) => item.payload.index)).toEqual(
      Array.from({ length: 10_000 }, (_, index) => index),
    );
    expect(new Set(stored.map((item) => item.id)).size).toBe(10_000);
    expect(journal.verify()).toEqual({ ok: true, checked: 10_000, brokenAtSeq: null });
    await writer.close();
  });

  it('rejects only the bad entries of a batch', async () => {
    const { batches, target } = countingBatches(journal);
    const writer = createBatchedJournal(target, { maxBatch: 64 });
    const results = await Promise.all([
      kindOf(writer.append(entry('good 1'))),
      kindOf(writer.append(entry('bad type', { entryType: 'NotAType' }))),
      kindOf(writer.append(entry('good 2'))),
      kindOf(writer.append(entry('too big', { payload: { blob: 'x'.repeat(300 * 1024) } }))),
      kindOf(writer.append(entry('bad severity', { severity: 'loud' as never }))),
      kindOf(writer.append(entry('good 3'))),
      writer.flush().then(() => 'flushed'),
    ]);
    expect(results).toEqual([
      'stored',
      'invalid_input',
      'stored',
      'too_large',
      'invalid_input',
      'stored',
      'flushed',
    ]);
    expect(batches).toEqual([3]);
    expect(journal.list({ workspaceId: 'w1', order: 'oldest' }).items.map((item) => item.summary)).toEqual([
      'good 1',
      'good 2',
      'good 3',
    ]);
  });

  it('resolves an entry only once another connection can read it, and close writes what is queued', async () => {
    const reader = temporary.reader();
    const writer = createBatchedJournal(journal, { flushIntervalMs: 60_000 });
    const first = await Promise.all([writer.append(entry('a')), writer.flush()]).then(([stored]) => stored);
    expect(reader.sqlite.prepare('SELECT summary FROM journal_entries WHERE seq = ?').get(first.seq)).toEqual(
      {
        summary: 'a',
      },
    );

    let settled = false;
    const queued = writer.append(entry('b')).finally(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(countRows(reader)).toBe(1);
    await writer.close();
    expect(countRows(reader)).toBe(2);
    expect((await queued).summary).toBe('b');

    const afterClose = await writer.append(entry('c')).catch((error: CrewshipError) => error);
    expect(afterClose).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/closed/) });
    expect(countRows(reader)).toBe(2);
  });

  it('writes a batch as soon as it holds maxBatch entries, one transaction per batch', async () => {
    vi.useFakeTimers();
    const reader = temporary.reader();
    const { batches, target } = countingBatches(journal);
    const writer = createBatchedJournal(target, { maxBatch: 4, flushIntervalMs: 1000 });
    const pending = [1, 2, 3].map((index) => writer.append(entry(`e${index}`)));
    expect(countRows(reader)).toBe(0);
    pending.push(writer.append(entry('e4')));
    expect(countRows(reader)).toBe(4);
    expect(batches).toEqual([4]);
    await Promise.all(pending);
    for (let index = 5; index <= 10; index++) pending.push(writer.append(entry(`e${index}`)));
    expect(batches).toEqual([4, 4]);
    expect(countRows(reader)).toBe(8);
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([4, 4, 2]);
    expect((await Promise.all(pending)).map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('writes a partial batch when the interval has passed since its first entry', async () => {
    vi.useFakeTimers();
    const reader = temporary.reader();
    const writer = createBatchedJournal(journal, { flushIntervalMs: 100 });
    const first = writer.append(entry('one'));
    vi.advanceTimersByTime(50);
    const second = writer.append(entry('two'));
    vi.advanceTimersByTime(49);
    expect(countRows(reader)).toBe(0);
    vi.advanceTimersByTime(1);
    expect(countRows(reader)).toBe(2);
    expect((await Promise.all([first, second])).map((item) => item.seq)).toEqual([1, 2]);
    const third = writer.append(entry('three'));
    vi.advanceTimersByTime(99);
    expect(countRows(reader)).toBe(2);
    vi.advanceTimersByTime(1);
    expect((await third).seq).toBe(3);
  });

  it('rejects the whole batch with unavailable when SQLite is busy, and stores nothing of it', async () => {
    temporary.remove();
    temporary = temporaryDatabase(0);
    journal = createSqliteJournal({ database: temporary.database });
    const blocker = temporary.reader();
    const writer = createBatchedJournal(journal, { maxBatch: 3 });
    await writer.append(entry('before'));

    blocker.sqlite.exec('BEGIN IMMEDIATE');
    const failed = await Promise.all(
      ['x', 'y', 'z'].map((summary) => writer.append(entry(summary)).catch((error) => error)),
    );
    for (const error of failed) {
      expect(error).toMatchObject({
        kind: 'unavailable',
        message: expect.stringMatching(/busy.*3 entries were not stored/),
      });
    }
    blocker.sqlite.exec('ROLLBACK');

    const after = await Promise.all([writer.append(entry('after')), writer.flush()]).then(
      ([stored]) => stored,
    );
    expect(after.seq).toBe(2);
    expect(journal.verify()).toEqual({ ok: true, checked: 2, brokenAtSeq: null });
  });

  it('retries a failed batch row by row so one refused row fails alone', async () => {
    const refusedSummary = 'refuse me';
    temporary.database.sqlite.exec(`CREATE TRIGGER refuse_one BEFORE INSERT ON journal_entries
      WHEN new.summary = '${refusedSummary}' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    const writer = createBatchedJournal(journal, { maxBatch: 3 });
    const results = await Promise.all([
      kindOf(writer.append(entry('one'))),
      kindOf(writer.append(entry(refusedSummary))),
      kindOf(writer.append(entry('three'))),
    ]);
    expect(results).toEqual(['stored', 'internal', 'stored']);
    expect(journal.verify()).toEqual({ ok: true, checked: 2, brokenAtSeq: null });
  });

  it('feeds subscribers in seq order after commit; a throwing subscriber breaks nothing', async () => {
    const errors: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (_message: string, fields?: Record<string, unknown>) => errors.push(fields),
      child() {
        return logger;
      },
    };
    journal = createSqliteJournal({ database: temporary.database, logger });
    const seen: JournalEntry[] = [];
    journal.subscribe(() => {
      throw new Error('listener bug');
    });
    journal.subscribe((stored) => seen.push(stored));
    const writer = createBatchedJournal(journal, { maxBatch: 16 });
    const stored = await Promise.all(
      Array.from({ length: 100 }, (_, index) => writer.append(entry(`e${index}`))),
    );
    await writer.flush();
    expect(seen.map((item) => item.seq)).toEqual(stored.map((item) => item.seq));
    expect(seen.map((item) => item.seq)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    expect(errors).toHaveLength(100);
    expect(journal.verify()).toMatchObject({ ok: true, checked: 100 });
  });
});
