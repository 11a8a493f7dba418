import { isCrewshipError } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteJournal, GENESIS_HASH, journalEntryHash } from '../src/index.js';
import {
  countRows,
  entry,
  manualClock,
  type TemporaryDatabase,
  temporaryDatabase,
} from './temporary-database.js';

describe('SQLite journal', () => {
  let temporary: TemporaryDatabase;
  beforeEach(() => {
    temporary = temporaryDatabase();
  });
  afterEach(() => temporary.remove());

  it('appends entries with consecutive sequence numbers, linked by a SHA-256 chain', async () => {
    const { database } = temporary;
    const first = await createSqliteJournal({ database }).append(entry('one'));
    const second = await createSqliteJournal({ database }).append({ ...entry('two'), severity: 'warn' });
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, severity: 'info', crewId: 'c1' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.entryHash, severity: 'warn' });
    expect(second.entryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(createSqliteJournal({ database }).verify()).toEqual({ ok: true, checked: 2, brokenAtSeq: null });
  });

  it('returns what it stored: the entry read back equals the one append resolved with', async () => {
    const journal = createSqliteJournal({ database: temporary.database });
    const stored = await journal.append(
      entry('x', {
        traceId: 'r1',
        payload: { when: new Date('2025-01-01T00:00:00Z'), gone: undefined, n: 1 },
      }),
    );
    expect(stored.payload).toEqual({ when: '2025-01-01T00:00:00.000Z', n: 1 });
    expect(journal.list({ workspaceId: 'w1' }).items).toEqual([stored]);
  });

  it('refuses UPDATE and DELETE, and verify finds an edit made with the triggers dropped', async () => {
    const { database } = temporary;
    const journal = createSqliteJournal({ database });
    for (const summary of ['one', 'two', 'three']) await journal.append(entry(summary));
    expect(() =>
      database.sqlite.prepare("UPDATE journal_entries SET summary = 'x' WHERE seq = 2").run(),
    ).toThrow(/append-only/);
    expect(() => database.sqlite.prepare('DELETE FROM journal_entries WHERE seq = 2').run()).toThrow(
      /append-only/,
    );
    expect(journal.verify()).toEqual({ ok: true, checked: 3, brokenAtSeq: null });
    database.sqlite.exec('DROP TRIGGER journal_entries_no_update');
    database.sqlite.prepare("UPDATE journal_entries SET summary = 'forged' WHERE seq = 2").run();
    expect(journal.verify()).toEqual({ ok: false, checked: 1, brokenAtSeq: 2 });
  });

  it('verify finds a payload edit and a missing row', async () => {
    const { database } = temporary;
    const journal = createSqliteJournal({ database });
    for (const summary of ['one', 'two', 'three', 'four']) await journal.append(entry(summary));
    database.sqlite.exec('DROP TRIGGER journal_entries_no_update; DROP TRIGGER journal_entries_no_delete');
    database.sqlite
      .prepare(`UPDATE journal_entries SET payload = '{"host":"ok.example"}' WHERE seq = 4`)
      .run();
    expect(journal.verify()).toMatchObject({ ok: false, brokenAtSeq: 4 });
    database.sqlite.prepare('DELETE FROM journal_entries WHERE seq = 3').run();
    expect(journal.verify()).toMatchObject({ ok: false, brokenAtSeq: 4, checked: 2 });
  });

  it('scrubs the summary and every string of the payload before storing', async () => {
    const { database } = temporary;
    const journal = createSqliteJournal({
      database,
      scrub: (text) => text.replaceAll('sk-secret', '[REDACTED]'),
    });
    const stored = await journal.append(
      entry('saw sk-secret', { payload: { host: 'evil.example', nested: { list: ['a sk-secret b'] } } }),
    );
    expect(stored.summary).toBe('saw [REDACTED]');
    expect(stored.payload).toEqual({ host: 'evil.example', nested: { list: ['a [REDACTED] b'] } });
    const raw = database.sqlite.prepare('SELECT summary, payload FROM journal_entries').get();
    expect(JSON.stringify(raw)).not.toContain('sk-secret');
  });

  it('refuses a type that is not noun.verb, a bad severity, an empty actor and a payload over 256 KiB', async () => {
    const journal = createSqliteJournal({ database: temporary.database });
    const refused = async (input: Parameters<typeof journal.append>[0]) => {
      const error = await journal.append(input).then(
        () => null,
        (caught: unknown) => caught,
      );
      return isCrewshipError(error) ? { kind: error.kind, message: error.message } : error;
    };
    expect(await refused({ ...entry('x'), entryType: 'Bad Type' })).toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(/entryType: must be noun.verb/),
    });
    expect(await refused({ ...entry('x'), severity: 'loud' as never })).toMatchObject({
      kind: 'invalid_input',
    });
    expect(await refused({ ...entry('x'), actor: '' })).toMatchObject({ kind: 'invalid_input' });
    expect(await refused({ ...entry('x'), payload: { blob: 'x'.repeat(256 * 1024) } })).toMatchObject({
      kind: 'too_large',
    });
    expect(journal.verify()).toEqual({ ok: true, checked: 0, brokenAtSeq: null });
  });

  it('stamps entries with the commit time, never going back along seq', async () => {
    const clock = manualClock('2025-01-01T00:00:10.000Z');
    const journal = createSqliteJournal({ database: temporary.database, now: clock.now });
    const first = await journal.append(entry('one'));
    clock.set('2025-01-01T00:00:05.000Z');
    const second = await journal.append(entry('two'));
    clock.set('2025-01-01T00:00:20.000Z');
    const third = await journal.append(entry('three'));
    expect([first.at, second.at, third.at]).toEqual([
      '2025-01-01T00:00:10.000Z',
      '2025-01-01T00:00:10.000Z',
      '2025-01-01T00:00:20.000Z',
    ]);
  });

  it('appendMany stores drafts in order in one chain, and subscribers see them after commit', async () => {
    const journal = createSqliteJournal({ database: temporary.database });
    const reader = temporary.reader();
    const seen: { seq: number; visible: number }[] = [];
    const unsubscribe = journal.subscribe((stored) => {
      seen.push({ seq: stored.seq, visible: countRows(reader) });
    });
    const entries = journal.appendMany(['a', 'b', 'c'].map((summary) => journal.prepare(entry(summary))));
    expect(entries.map((item) => [item.seq, item.summary])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(entries[1]?.prevHash).toBe(entries[0]?.entryHash);
    expect(seen).toEqual([
      { seq: 1, visible: 3 },
      { seq: 2, visible: 3 },
      { seq: 3, visible: 3 },
    ]);
    unsubscribe();
    await journal.append(entry('d'));
    expect(seen).toHaveLength(3);
    expect(journal.verify()).toMatchObject({ ok: true, checked: 4 });
  });

  it('hashes every stored column', () => {
    const base = {
      seq: 1,
      id: 'id',
      at: 'now',
      workspace_id: 'w',
      crew_id: null,
      agent_id: null,
      trace_id: null,
      entry_type: 'a.b',
      severity: 'info' as const,
      actor: 'system',
      summary: 's',
      payload: '{}',
    };
    const hash = journalEntryHash(GENESIS_HASH, base);
    for (const [key, value] of Object.entries({ seq: 2, actor: 'x', payload: '{"a":1}', crew_id: 'c' })) {
      expect(journalEntryHash(GENESIS_HASH, { ...base, [key]: value })).not.toBe(hash);
    }
    expect(journalEntryHash('f'.repeat(64), base)).not.toBe(hash);
  });
});
