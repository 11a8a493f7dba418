import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteJournal, GENESIS_HASH, journalEntryHash } from '../src/index.js';

describe('SQLite journal', () => {
  let dir: string;
  let database: CrewshipDatabase;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crewship-journal-'));
    database = createDatabase({ file: join(dir, 'crewship.db') });
    migrate(database.sqlite);
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entry = (summary: string, extra: Record<string, unknown> = {}) => ({
    workspaceId: 'w1',
    crewId: 'c1',
    entryType: 'egress.denied',
    actor: 'agent:ada',
    summary,
    payload: { host: 'evil.example', ...extra },
  });

  it('appends entries with consecutive sequence numbers, linked by a SHA-256 chain', async () => {
    const first = await createSqliteJournal({ database }).append(entry('one'));
    const second = await createSqliteJournal({ database }).append({ ...entry('two'), severity: 'warn' });
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, severity: 'info', crewId: 'c1' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.entryHash, severity: 'warn' });
    expect(second.entryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(createSqliteJournal({ database }).verify()).toEqual({ ok: true, checked: 2, brokenAtSeq: null });
  });

  it('refuses UPDATE and DELETE, and verify finds an edit made with the triggers dropped', async () => {
    const journal = createSqliteJournal({ database });
    for (const summary of ['one', 'two', 'three']) await journal.append(entry(summary));
    expect(() =>
      database.sqlite.prepare("UPDATE journal_entries SET summary = 'x' WHERE seq = 2").run(),
    ).toThrow(/append-only/);
    expect(() => database.sqlite.prepare('DELETE FROM journal_entries WHERE seq = 2').run()).toThrow(
      /append-only/,
    );
    database.sqlite.exec('DROP TRIGGER journal_entries_no_update');
    database.sqlite.prepare("UPDATE journal_entries SET summary = 'forged' WHERE seq = 2").run();
    expect(journal.verify()).toEqual({ ok: false, checked: 1, brokenAtSeq: 2 });
  });

  it('scrubs the summary and every string of the payload before storing', async () => {
    const journal = createSqliteJournal({
      database,
      scrub: (text) => text.replaceAll('sk-secret', '[REDACTED]'),
    });
    const stored = await journal.append(entry('saw sk-secret', { nested: { list: ['a sk-secret b'] } }));
    expect(stored.summary).toBe('saw [REDACTED]');
    expect(stored.payload).toEqual({ host: 'evil.example', nested: { list: ['a [REDACTED] b'] } });
    const raw = database.sqlite.prepare('SELECT summary, payload FROM journal_entries').get();
    expect(JSON.stringify(raw)).not.toContain('sk-secret');
  });

  it('lists by workspace, type, crew and cursor, and searches summary and payload', async () => {
    const journal = createSqliteJournal({ database });
    await journal.append(entry('denied evil'));
    await journal.append({ ...entry('a call'), entryType: 'llm.call', payload: { model: 'claude-sonnet' } });
    await journal.append({ ...entry('elsewhere'), workspaceId: 'w2' });
    expect(journal.list({ workspaceId: 'w1' }).map((item) => item.summary)).toEqual([
      'denied evil',
      'a call',
    ]);
    expect(journal.list({ workspaceId: 'w1', entryType: 'llm.call' })).toHaveLength(1);
    expect(journal.list({ workspaceId: 'w1', afterSeq: 1 }).map((item) => item.seq)).toEqual([2]);
    expect(journal.search('w1', 'claude').map((item) => item.summary)).toEqual(['a call']);
    expect(journal.search('w2', 'claude')).toEqual([]);
    expect(() => journal.search('w1', '"unbalanced')).toThrow(/not valid/);
  });

  it('refuses a type that is not noun.verb', async () => {
    await expect(
      createSqliteJournal({ database }).append({ ...entry('x'), entryType: 'Bad Type' }),
    ).rejects.toThrow(/noun.verb/);
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
