import type { JournalEntry } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteJournal, type JournalFilter, type SqliteJournal } from '../src/index.js';
import { entry, manualClock, type TemporaryDatabase, temporaryDatabase } from './temporary-database.js';

const TYPES = ['run.started', 'agent.text', 'agent.tool_use', 'llm.call', 'run.completed', 'runner.note'];

describe('journal queries', () => {
  let temporary: TemporaryDatabase;
  let journal: SqliteJournal;
  const clock = manualClock();
  beforeEach(() => {
    temporary = temporaryDatabase();
    clock.set('2025-01-01T00:00:00.000Z');
    journal = createSqliteJournal({ database: temporary.database, now: clock.now });
  });
  afterEach(() => temporary.remove());

  /** 250 entries over two workspaces, three crews, two agents, five traces; one second apart. */
  async function seed() {
    const stored: JournalEntry[] = [];
    for (let index = 0; index < 250; index++) {
      clock.advance(1000);
      stored.push(
        await journal.append(
          entry(`entry ${index} ${index % 10 === 0 ? 'flux capacitor' : 'plain'}`, {
            workspaceId: index % 5 === 4 ? 'w2' : 'w1',
            crewId: `c${index % 3}`,
            agentId: `a${index % 2}`,
            traceId: `t${index % 5}`,
            entryType: TYPES[index % TYPES.length],
            payload: { index, text: index % 7 === 0 ? 'wrote README.md with jabberwocky' : 'nothing' },
          }),
        ),
      );
    }
    return stored;
  }

  function walk(filter: Omit<JournalFilter, 'cursor'>): { seqs: number[]; pages: number } {
    const seqs: number[] = [];
    let pages = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = journal.list({ ...filter, ...(cursor ? { cursor } : {}) });
      pages += 1;
      seqs.push(...page.items.map((item) => item.seq));
      if (page.nextCursor === null) return { seqs, pages };
      cursor = page.nextCursor;
      if (pages > 1000) throw new Error('pagination does not end');
    }
  }

  it('walks every page newest first without duplicates or gaps, for each kind of filter', async () => {
    const stored = await seed();
    const expected = (keep: (item: JournalEntry) => boolean, order: 'newest' | 'oldest' = 'newest') => {
      const seqs = stored.filter(keep).map((item) => item.seq);
      return order === 'newest' ? seqs.reverse() : seqs;
    };
    const inW1 = (item: JournalEntry) => item.workspaceId === 'w1';
    expect(walk({ workspaceId: 'w1', limit: 7 })).toEqual({ seqs: expected(inW1), pages: 29 });
    expect(walk({ workspaceId: 'w1', limit: 7, order: 'oldest' }).seqs).toEqual(expected(inW1, 'oldest'));
    expect(walk({ workspaceId: 'w1', limit: 4, entryType: 'run.*' }).seqs).toEqual(
      expected((item) => inW1(item) && item.entryType.startsWith('run.')),
    );
    expect(walk({ workspaceId: 'w1', limit: 3, q: 'capacitor' }).seqs).toEqual(
      expected((item) => inW1(item) && item.summary.includes('capacitor')),
    );
    expect(walk({ workspaceId: 'w1', limit: 5, q: 'capacitor', order: 'oldest' }).seqs).toEqual(
      expected((item) => inW1(item) && item.summary.includes('capacitor'), 'oldest'),
    );
    // 200 entries in w1, an exact multiple of the page: the last full page already says there is no more.
    expect(walk({ workspaceId: 'w1', limit: 100 })).toMatchObject({ pages: 2 });
    expect(walk({ workspaceId: 'nobody', limit: 10 })).toEqual({ seqs: [], pages: 1 });
  });

  it('filters by exact type, type prefix, crew, agent, trace and since, combined with q', async () => {
    const stored = await seed();
    const seqs = (filter: Omit<JournalFilter, 'workspaceId' | 'limit'>) =>
      journal.list({ workspaceId: 'w1', limit: 1000, ...filter }).items.map((item) => item.seq);
    const expected = (keep: (item: JournalEntry) => boolean) =>
      stored
        .filter((item) => item.workspaceId === 'w1' && keep(item))
        .map((item) => item.seq)
        .reverse();

    expect(seqs({ entryType: 'agent.text' })).toEqual(expected((item) => item.entryType === 'agent.text'));
    expect(seqs({ entryType: 'run.*' })).toEqual(
      expected((item) => item.entryType === 'run.started' || item.entryType === 'run.completed'),
    );
    expect(seqs({ entryType: 'run.*' })).not.toContain(
      stored.find((item) => item.entryType === 'runner.note')?.seq,
    );
    expect(seqs({ entryType: 'agent.*', crewId: 'c1', agentId: 'a0' })).toEqual(
      expected(
        (item) => item.entryType.startsWith('agent.') && item.crewId === 'c1' && item.agentId === 'a0',
      ),
    );
    expect(seqs({ traceId: 't2', q: 'capacitor OR jabberwocky' })).toEqual(
      expected(
        (item) =>
          item.traceId === 't2' && (item.summary.includes('capacitor') || item.payload.text !== 'nothing'),
      ),
    );
    const since = stored[200]!.at;
    expect(seqs({ since })).toEqual(expected((item) => item.at >= since));
    expect(seqs({ since: '2025-01-01T00:03:20.500Z' })).toEqual(
      expected((item) => item.at >= '2025-01-01T00:03:20.500Z'),
    );
    expect(seqs({ since: '2024-12-31T00:00:00+01:00' })).toHaveLength(200);
    expect(seqs({ since: '2031-01-01T00:00:00Z' })).toEqual([]);
    expect(seqs({ since, q: 'jabberwocky' })).toEqual(
      expected((item) => item.at >= since && item.payload.text !== 'nothing'),
    );
    expect(seqs({ afterSeq: 240, order: 'oldest' })).toEqual(expected((item) => item.seq > 240).reverse());
  });

  it('finds a run by a word of its output, and search() still answers', async () => {
    await journal.append(entry('run started', { traceId: 'run-1', entryType: 'run.started' }));
    await journal.append(
      entry('agent said something', {
        traceId: 'run-1',
        entryType: 'agent.text',
        payload: { text: 'The deployment finished; the canary looks healthy.' },
      }),
    );
    await journal.append(
      entry('other', { traceId: 'run-2', entryType: 'agent.text', payload: { text: 'bye' } }),
    );
    const page = journal.list({ workspaceId: 'w1', q: 'canary' });
    expect(page.items.map((item) => item.traceId)).toEqual(['run-1']);
    expect(page.nextCursor).toBeNull();
    expect(journal.list({ workspaceId: 'w1', q: 'canar*' }).items).toHaveLength(1);
    expect(journal.search('w1', 'canary').map((item) => item.entryType)).toEqual(['agent.text']);
    expect(journal.search('w2', 'canary')).toEqual([]);
  });

  it('answers invalid input with invalid_input and a message that says what to do', async () => {
    await seed();
    const failure = (filter: Omit<JournalFilter, 'workspaceId'>) => {
      try {
        journal.list({ workspaceId: 'w1', ...filter });
        return null;
      } catch (error) {
        return error;
      }
    };
    for (const q of ['"unbalanced', 'README.md', 'exit-code', 'a AND', 'col:umn']) {
      expect(failure({ q })).toMatchObject({
        kind: 'invalid_input',
        message: expect.stringMatching(/not valid FTS5 syntax.*double quotes/),
      });
    }
    expect(journal.list({ workspaceId: 'w1', q: '"README.md"' }).items.length).toBeGreaterThan(0);
    expect(failure({ cursor: 'not-a-cursor' })).toMatchObject({ kind: 'invalid_input', message: /cursor/ });
    const newest = journal.list({ workspaceId: 'w1', limit: 2 }).nextCursor!;
    expect(failure({ cursor: newest, order: 'oldest' })).toMatchObject({ kind: 'invalid_input' });
    expect(failure({ entryType: 'Run.*' })).toMatchObject({ kind: 'invalid_input', message: /prefix/ });
    expect(failure({ entryType: "run.' OR 1=1" })).toMatchObject({ kind: 'invalid_input' });
    expect(failure({ since: 'yesterday' })).toMatchObject({ kind: 'invalid_input', message: /ISO 8601/ });
  });
});
