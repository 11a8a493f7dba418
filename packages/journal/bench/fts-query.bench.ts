import { join } from 'node:path';
import { createDatabase } from '@crewship/db';
import { median, percentile, runBench, temporaryDirectory } from '@crewship/tooling-bench';
import { createSqliteJournal } from '../src/index.js';
import { benchRunId, random, rareToken } from './bench-corpus.js';
import { generateJournal } from './generate-journal.js';

const ENTRIES = Number(process.argv[2] ?? 1_000_000);
const QUERIES = 400;
const PAGE = 50;
const WORKSPACE = 'workspace-1';

/** Searches of every frequency class the corpus has, as a user would type them. */
function queries(count: number): { kind: string; q: string }[] {
  const next = random(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const tech = ['vitest', 'docker', 'sqlite', 'timeout', 'segfault', 'handshake', 'rollback', 'allowlist'];
  const common = ['error', 'failed', 'install', 'request', 'token', 'cache', 'exit', 'module'];
  const made: { kind: string; q: string }[] = [];
  for (let index = 0; index < count; index++) {
    const roll = next();
    if (roll < 0.25) made.push({ kind: 'rare token', q: rareToken(next) });
    else if (roll < 0.5) made.push({ kind: 'common word', q: pick([...tech, ...common]) });
    else if (roll < 0.65) made.push({ kind: 'two words (AND)', q: `${pick(tech)} ${pick(common)}` });
    else if (roll < 0.75) made.push({ kind: 'rare token AND word', q: `${rareToken(next)} ${pick(common)}` });
    else if (roll < 0.85) made.push({ kind: 'snake_case identifier', q: `${pick(tech)}_${pick(common)}` });
    else if (roll < 0.95) made.push({ kind: 'phrase', q: `"${pick(common)} ${pick(tech)}"` });
    else made.push({ kind: 'prefix', q: `${pick(tech).slice(0, 4)}*` });
  }
  return made;
}

/**
 * Latency of the API's search (journal.list with an FTS5 `q`, first page of 50, newest first, one of two
 * workspaces) over a journal of 1,000,000 agent-run entries, against the same page without `q`. The
 * details add the run projections over the same file (25,000 runs).
 */
runBench(async () => {
  const directory = temporaryDirectory('crewship-bench-journal-fts-').path;
  const file = join(directory, 'crewship.db');
  const generateMs = generateJournal(file, ENTRIES);

  const database = createDatabase({ file });
  const journal = createSqliteJournal({ database });
  const mix = queries(QUERIES);
  const time = (run: () => unknown) => {
    const started = performance.now();
    run();
    return performance.now() - started;
  };
  for (const { q } of mix.slice(0, 50)) journal.list({ workspaceId: WORKSPACE, q, limit: PAGE });

  const samples: number[] = [];
  const byKind = new Map<string, number[]>();
  let hits = 0;
  for (const { kind, q } of mix) {
    let found = 0;
    const elapsed = time(() => {
      found = journal.list({ workspaceId: WORKSPACE, q, limit: PAGE }).items.length;
    });
    hits += found;
    samples.push(elapsed);
    byKind.set(kind, [...(byKind.get(kind) ?? []), elapsed]);
  }
  const secondPage: number[] = [];
  for (const { q } of mix.slice(0, 100)) {
    const first = journal.list({ workspaceId: WORKSPACE, q, limit: PAGE });
    if (first.nextCursor === null) continue;
    const cursor = first.nextCursor;
    secondPage.push(time(() => journal.list({ workspaceId: WORKSPACE, q, limit: PAGE, cursor })));
  }
  const plain: number[] = [];
  for (let index = 0; index < QUERIES; index++) {
    plain.push(time(() => journal.list({ workspaceId: WORKSPACE, limit: PAGE })));
  }
  const runs = {
    listRuns: [] as number[],
    listRunsRunning: [] as number[],
    getRun: [] as number[],
    runStats: [] as number[],
    openRuns: [] as number[],
  };
  for (let index = 0; index < 20; index++) {
    runs.listRuns.push(time(() => journal.listRuns({ workspaceId: WORKSPACE, limit: PAGE })));
    runs.listRunsRunning.push(time(() => journal.listRuns({ workspaceId: WORKSPACE, status: 'running' })));
    runs.getRun.push(
      time(() => journal.getRun(WORKSPACE, benchRunId(1 + ((index * 1000) % Math.ceil(ENTRIES / 40))))),
    );
    if (index < 5) {
      runs.runStats.push(time(() => journal.runStats({ workspaceId: WORKSPACE })));
      const started = performance.now();
      await journal.openRuns();
      runs.openRuns.push(performance.now() - started);
    }
  }
  const openRuns = (await journal.openRuns()).length;
  database.close();
  if (hits === 0) throw new Error('no query found anything');

  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    name: 'journal/fts-query',
    unit: 'ms (p50)',
    figure: round(median(samples)),
    baseline: round(median(plain)),
    baselineName: `the same page (${PAGE} newest of the workspace) without q, via the (workspace_id, seq) index`,
    details: {
      entries: ENTRIES,
      queries: QUERIES,
      p99Ms: round(percentile(samples, 0.99)),
      maxMs: round(Math.max(...samples)),
      averageHits: Math.round(hits / QUERIES),
      p50ByKindMs: Object.fromEntries([...byKind].map(([kind, values]) => [kind, round(median(values))])),
      p99ByKindMs: Object.fromEntries(
        [...byKind].map(([kind, values]) => [kind, round(percentile(values, 0.99))]),
      ),
      secondPageP50Ms: round(median(secondPage)),
      baselineP99Ms: round(percentile(plain, 0.99)),
      runProjectionsMs: {
        runs: Math.ceil(ENTRIES / 40),
        openRuns,
        ...Object.fromEntries(
          Object.entries(runs).map(([name, values]) => [`${name}P50`, round(median(values))]),
        ),
      },
      generateSeconds: Math.round(generateMs / 100) / 10,
      node: process.version,
    },
  };
});
