import { join } from 'node:path';
import type { InboxWriter, JournalWriter, MeteringEvent } from '@crewship/contracts';
import { silentLogger } from '@crewship/contracts';
import { createDatabase, migrate } from '@crewship/db';
import { runBench, temporaryDirectory } from '@crewship/tooling-bench';
import { createPaymaster } from '../src/index.js';

const PRELOADED = 50_000;
const MEASURED = 2000;
const NOW = new Date('2025-03-20T12:00:00.000Z');

const journal: JournalWriter = {
  append: async (entry) => ({
    ...entry,
    id: 'x',
    seq: 0,
    at: '',
    crewId: null,
    agentId: null,
    traceId: null,
    severity: 'info',
    payload: {},
    prevHash: '',
    entryHash: '',
  }),
};
const inbox = { add: () => ({}), resolveByRef: () => 0 } as unknown as InboxWriter;

const event = (index: number): MeteringEvent => ({
  at: new Date(NOW.getTime() - (index % 1000)).toISOString(),
  workspaceId: 'w',
  crewId: 'c',
  agentId: 'a',
  credentialId: 'k',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  usage: { inputTokens: 1200 + index, outputTokens: 300, cacheReadTokens: 40_000, cacheWriteTokens: 2000 },
  status: 200,
  streamed: true,
  durationMs: 900,
  billingMode: 'api',
});

/** record() calls/s with one budget per scope applying, on an empty ledger and with PRELOADED rows in the window. */
function measure(directory: string, name: string, preloaded: number) {
  const database = createDatabase({ file: join(directory, `${name}.db`) });
  migrate(database.sqlite);
  const { sqlite } = database;
  sqlite.exec(`INSERT INTO workspaces VALUES ('w', 'w', 'w', 'now', 'now');
    INSERT INTO crews (id, workspace_id, name, slug, runtime_image, network_mode, memory_mb, cpus, created_at, updated_at)
      VALUES ('c', 'w', 'c', 'c', 'img', 'restricted', 512, 1, 'now', 'now');
    INSERT INTO agents (id, workspace_id, crew_id, name, slug, role, cli_adapter, tool_profile, created_at, updated_at)
      VALUES ('a', 'w', 'c', 'a', 'a', 'MEMBER', 'CLAUDE_CODE', 'CODING', 'now', 'now');`);
  const paymaster = createPaymaster({ database, journal, inbox, logger: silentLogger, now: () => NOW });
  for (const [scope, scopeId] of [
    ['workspace', 'w'],
    ['crew', 'c'],
    ['agent', 'a'],
  ] as const) {
    paymaster.budgets.set('w', {
      scope,
      scopeId,
      window: 'month',
      mode: 'hard',
      limitUsd: 1e6,
      limitTokens: null,
    });
  }
  const insert = sqlite.prepare(
    `INSERT INTO cost_ledger (id, at, workspace_id, crew_id, agent_id, provider, model, input_tokens, cost_micros,
       billing_mode, cost_confidence) VALUES (?, ?, 'w', 'c', 'a', 'anthropic', 'm', 100, 300, 'api', 'exact')`,
  );
  sqlite.transaction(() => {
    for (let index = 0; index < preloaded; index++) insert.run(`pre-${index}`, event(index).at);
  })();
  let started = performance.now();
  for (let index = 0; index < MEASURED; index++) paymaster.record(event(index));
  const recordMs = performance.now() - started;
  started = performance.now();
  for (let index = 0; index < MEASURED; index++) insert.run(`raw-${index}`, event(index).at);
  const rawMs = performance.now() - started;
  database.close();
  const perSecond = (milliseconds: number) => Math.round(MEASURED / (milliseconds / 1000));
  return { record: perSecond(recordMs), raw: perSecond(rawMs) };
}

runBench(async () => {
  const directory = temporaryDirectory('crewship-bench-paymaster-').path;
  const empty = measure(directory, 'empty', 0);
  const loaded = measure(directory, 'loaded', PRELOADED);
  return {
    name: 'paymaster/record-throughput',
    unit: 'records/s',
    figure: loaded.record,
    baseline: loaded.raw,
    baselineName: 'one raw INSERT per row into the same ledger (autocommit, no pricing, no budget sums)',
    details: {
      measured: `${MEASURED} sequential record() with 3 hard budgets applying, ${PRELOADED} rows already in the month`,
      emptyLedger: empty,
      node: process.version,
    },
  };
});
