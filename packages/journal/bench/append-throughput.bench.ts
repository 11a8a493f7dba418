import { join } from 'node:path';
import { createDatabase, migrate } from '@crewship/db';
import { median, runBench, temporaryDirectory } from '@crewship/tooling-bench';
import { createBatchedJournal, createSqliteJournal } from '../src/index.js';
import { benchEntries } from './bench-corpus.js';

const ENTRIES = 20_000;
const ROUNDS = 5;

const INSERT = `INSERT INTO journal_entries (seq, id, at, workspace_id, crew_id, agent_id, trace_id, entry_type,
  severity, actor, summary, payload, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Entries/s through the batched writer (all appends in flight at once, default 100 ms / 64 rows) against
 * inserting the very rows it stored, with one prepared statement in one transaction, into a fresh file.
 */
runBench(async () => {
  const directory = temporaryDirectory('crewship-bench-journal-append-').path;
  const inputs = [...benchEntries(ENTRIES)];
  const ours: number[] = [];
  const raw: number[] = [];
  let batches = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const database = createDatabase({ file: join(directory, `ours-${round}.db`) });
    migrate(database.sqlite);
    const journal = createSqliteJournal({ database, scrub: (text) => text });
    const counted = {
      prepare: journal.prepare,
      appendMany: (drafts: Parameters<typeof journal.appendMany>[0]) => {
        batches += 1;
        return journal.appendMany(drafts);
      },
    };
    const writer = createBatchedJournal(counted);
    let started = performance.now();
    await Promise.all(inputs.map((input) => writer.append(input)));
    ours.push(performance.now() - started);
    await writer.close();
    const rows = database.sqlite
      .prepare('SELECT * FROM journal_entries ORDER BY seq')
      .raw()
      .all() as unknown[][];
    if (rows.length !== ENTRIES || !journal.verify().ok) throw new Error('the batched writer lost entries');
    database.close();

    const baseline = createDatabase({ file: join(directory, `raw-${round}.db`) });
    migrate(baseline.sqlite);
    const insert = baseline.sqlite.prepare(INSERT);
    const insertAll = baseline.sqlite.transaction((all: unknown[][]) => {
      for (const row of all) insert.run(row);
    });
    started = performance.now();
    insertAll.immediate(rows);
    raw.push(performance.now() - started);
    baseline.close();
  }
  const perSecond = (milliseconds: number) => Math.round(ENTRIES / (milliseconds / 1000));
  return {
    name: 'journal/append-throughput',
    unit: 'entries/s',
    figure: perSecond(median(ours)),
    baseline: perSecond(median(raw)),
    baselineName: 'the same stored rows inserted raw (better-sqlite3, one prepared INSERT, one transaction)',
    details: {
      measured: `${ENTRIES} concurrent append() through createBatchedJournal (defaults), median of ${ROUNDS}`,
      transactions: Math.round(batches / ROUNDS),
      oursMs: ours.map(Math.round),
      rawMs: raw.map(Math.round),
      node: process.version,
    },
  };
});
