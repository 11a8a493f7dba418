import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeProvider, type FakeProvider, type FakeReply, type FakeUsage } from '@crewship/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapOwner,
  dockerTestsRun,
  makeDataDir,
  postNdjson,
  type StreamEvent,
  startTestServer,
  type TestServer,
} from './harness.js';

const dockerTests = await dockerTestsRun();

/** Prices set for every Anthropic model in this workspace, dollars per million tokens. */
const PRICES = { input_per_m: 3, output_per_m: 15, cache_read_per_m: 0.3, cache_write_per_m: 3.75 };
/** A call that costs $0.618: 0.30 input + 0.30 output + 0.003 cache read + 0.015 cache write. */
const BIG: FakeUsage = {
  inputTokens: 100_000,
  outputTokens: 20_000,
  cacheReadTokens: 10_000,
  cacheWriteTokens: 4_000,
};
const SMALL: FakeUsage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };
const micros = (usage: FakeUsage) =>
  Math.round(
    (usage.inputTokens ?? 0) * PRICES.input_per_m +
      (usage.outputTokens ?? 0) * PRICES.output_per_m +
      (usage.cacheReadTokens ?? 0) * PRICES.cache_read_per_m +
      (usage.cacheWriteTokens ?? 0) * PRICES.cache_write_per_m,
  );
const BIG_USD = micros(BIG) / 1e6;

const shell = (command: string) => ({ name: 'Bash', input: { command, description: 'run it' } });

describe.skipIf(!dockerTests)('governance on the real Docker engine with Claude Code', () => {
  const dataDir = makeDataDir();
  const crewSlug = `gov-${Math.random().toString(36).slice(2, 8)}`;
  /** Replies per agent slug; whatever is not scripted gets a small plain answer. */
  const queues = new Map<string, FakeReply[]>();
  /** What the fake provider billed: the usage of every reply it sent, per agent. */
  const billed = new Map<string, FakeUsage[]>();
  let provider: FakeProvider;
  let server: TestServer;
  let token: string;
  let crewId: string;

  const agentSlug = (name: string) => `${crewSlug}-${name}`;
  const api = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token, ...(body === undefined ? {} : { body }) });

  async function startAsk(name: string, content: string) {
    const chat = await api('POST', `/api/v1/agents/${agentSlug(name)}/chats`, {});
    expect(chat.status, chat.text).toBe(201);
    const posted = await api('POST', `/api/v1/chats/${chat.json.id}/messages`, { content });
    expect(posted.status, posted.text).toBe(201);
    return posted.json.run.id as string;
  }
  async function ended(runId: string) {
    for (;;) {
      const run = await api('GET', `/api/v1/runs/${runId}`);
      if (run.json.status !== 'running') return run.json;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const ledgerOf = async (name: string) => {
    const ledger = await api('GET', `/api/v1/paymaster/ledger?agent=${agentSlug(name)}&limit=1000`);
    expect(ledger.status, ledger.text).toBe(200);
    return ledger.json.items as { cost_usd: number | null; at: string; input_tokens: number }[];
  };
  const sumMicros = (rows: { cost_usd: number | null }[]) =>
    rows.reduce((sum, row) => sum + Math.round((row.cost_usd ?? 0) * 1e6), 0);
  const outputFile = (name: string, file: string) =>
    join(dataDir, 'crews', crewId, 'output', agentSlug(name), file);

  async function setBudget(body: Record<string, unknown>) {
    const budget = await api('PUT', '/api/v1/budgets', body);
    expect(budget.status, budget.text).toBe(200);
    return budget.json as { id: string };
  }

  beforeAll(async () => {
    provider = await createFakeProvider({
      kind: 'anthropic',
      script: (request) => {
        const key = String(request.headers['x-api-key'] ?? '');
        const name = [...queues.keys()].find((slug) => key.endsWith(slug)) ?? '';
        const body = request.body as { tools?: unknown[] } | undefined;
        const scripted = body?.tools && body.tools.length > 0 ? queues.get(name)?.shift() : undefined;
        const reply: FakeReply = scripted ?? { text: 'nothing more to say', usage: SMALL };
        if (!('error' in reply)) billed.get(name)?.push(reply.usage ?? SMALL);
        return reply;
      },
    });
    server = await startTestServer(
      {
        CREWSHIP_CONTAINERS: 'docker',
        CREWSHIP_SEALED_PATH: 'true',
        CREWSHIP_UPSTREAM_ANTHROPIC: provider.url,
      },
      dataDir,
      { agentTools: undefined },
    );
    ({ token } = await bootstrapOwner(server));
    const crew = await api('POST', '/api/v1/crews', {
      name: crewSlug,
      runtime_image: 'crewship-base:bookworm',
      memory_mb: 2048,
      cpus: 2,
    });
    expect(crew.status, crew.text).toBe(201);
    crewId = crew.json.id;
    const names = ['ann', 'bob', 'cat', 'dan', 'eve'];
    for (const name of names) {
      const created = await api('POST', '/api/v1/agents', {
        crew: crewId,
        name: agentSlug(name),
        slug: agentSlug(name),
        cli_adapter: 'CLAUDE_CODE',
      });
      expect(created.status, created.text).toBe(201);
      queues.set(agentSlug(name), []);
      billed.set(agentSlug(name), []);
      // One key per agent, ending in its slug: the fake provider sees the real key and tells them apart.
      const credential = await api('POST', '/api/v1/credentials', {
        name: `anthropic-${name}`,
        provider: 'anthropic',
        value: `test-key-0123456789abcdef-${agentSlug(name)}`,
      });
      expect(credential.status, credential.text).toBe(201);
      const assigned = await api('POST', `/api/v1/credentials/${credential.json.id}/assign`, {
        agents: [agentSlug(name)],
      });
      expect(assigned.status, assigned.text).toBe(200);
    }
    const price = await api('PUT', '/api/v1/paymaster/rates', {
      provider: 'anthropic',
      model: '*',
      ...PRICES,
    });
    expect(price.status, price.text).toBe(200);
    const started = await api('POST', `/api/v1/crews/${crewId}/container-start`);
    expect(started.status, started.text).toBe(200);
  }, 900_000);

  afterAll(async () => {
    await server?.request('DELETE', `/api/v1/crews/${crewId}`, { token }).catch(() => {});
    await server?.stop();
    await provider?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('two concurrent runs on one hard crew budget cannot both pass the check', {
    timeout: 300_000,
  }, async () => {
    // The budget is smaller than one call: whichever call is admitted first crosses it, and the gateway
    // holds the other until that call is metered, so it sees the spend and is refused.
    const budget = await setBudget({
      scope: 'crew',
      scope_ref: crewSlug,
      window: 'day',
      mode: 'hard',
      limit_usd: 0.5,
    });
    for (const name of ['ann', 'bob']) {
      queues.get(agentSlug(name))?.push({ text: `answer of ${name}`, usage: BIG, delayMs: 3000 });
    }
    const runs = await Promise.all([startAsk('ann', 'go'), startAsk('bob', 'go')]);
    const outcomes = await Promise.all(runs.map(ended));
    const rows = [...(await ledgerOf('ann')), ...(await ledgerOf('bob'))].sort((a, b) =>
      a.at.localeCompare(b.at),
    );
    // Every call but the last was admitted below the limit; the last one may cross it, nothing after.
    expect(sumMicros(rows.slice(0, -1))).toBeLessThan(500_000);
    expect(sumMicros(rows)).toBe(
      [...(billed.get(agentSlug('ann')) ?? []), ...(billed.get(agentSlug('bob')) ?? [])].reduce(
        (sum, usage) => sum + micros(usage),
        0,
      ),
    );
    expect(outcomes.filter((run) => run.reason === 'budget_exceeded').length).toBeGreaterThanOrEqual(1);
    for (const run of outcomes) expect(['completed', 'failed']).toContain(run.status);
    const blocked = await api('GET', '/api/v1/journal?type=llm.blocked');
    expect(blocked.json.items.length).toBeGreaterThanOrEqual(1);
    expect((await api('DELETE', `/api/v1/budgets/${budget.id}`)).status).toBe(204);
  });

  it('a run crossing a hard budget mid-run: the next call is blocked, the run ends budget_exceeded, the ledger equals the bill', {
    timeout: 300_000,
  }, async () => {
    await setBudget({
      scope: 'agent',
      scope_ref: agentSlug('cat'),
      window: 'day',
      mode: 'hard',
      limit_usd: 1,
    });
    const slug = agentSlug('cat');
    queues
      .get(slug)
      ?.push(
        { toolUse: shell(`echo one > /output/${slug}/one.txt`), usage: BIG },
        { toolUse: shell(`echo two > /output/${slug}/two.txt`), usage: BIG },
        { toolUse: shell(`echo three > /output/${slug}/three.txt`), usage: BIG },
      );
    const run = await ended(await startAsk('cat', 'write three files'));
    expect(run).toMatchObject({ status: 'failed', reason: 'budget_exceeded' });
    // Two calls were admitted ($0.618 each: the second crossed $1), the third never reached the provider.
    expect(existsSync(outputFile('cat', 'one.txt'))).toBe(true);
    expect(existsSync(outputFile('cat', 'two.txt'))).toBe(true);
    expect(existsSync(outputFile('cat', 'three.txt'))).toBe(false);
    expect(queues.get(slug)).toHaveLength(1);
    const rows = await ledgerOf('cat');
    const bill = (billed.get(slug) ?? []).reduce((sum, usage) => sum + micros(usage), 0);
    expect(sumMicros(rows)).toBe(bill);
    expect(Math.round(rows.reduce((sum, row) => sum + (row.cost_usd ?? 0), 0) * 100)).toBe(
      Math.round((bill / 1e6) * 100),
    );
    expect(rows.filter((row) => row.input_tokens === BIG.inputTokens)).toHaveLength(2);
    const inbox = await api('GET', '/api/v1/inbox?kind=budget_exceeded');
    expect(inbox.json.items.length).toBeGreaterThanOrEqual(1);
    const budgets = await api('GET', '/api/v1/budgets');
    const catBudget = budgets.json.items.find((item: StreamEvent) => item.scope === 'agent');
    expect(catBudget.spent_usd).toBeCloseTo(bill / 1e6, 6);
  });

  it('a soft budget writes one warning at 80 % and lets the run finish', { timeout: 300_000 }, async () => {
    const budget = await setBudget({
      scope: 'agent',
      scope_ref: agentSlug('dan'),
      window: 'week',
      mode: 'soft',
      limit_usd: 0.7,
    });
    queues.get(agentSlug('dan'))?.push({ text: 'expensive but allowed', usage: BIG });
    const run = await ended(await startAsk('dan', 'talk'));
    expect(run.status).toBe('completed');
    expect(BIG_USD / 0.7).toBeGreaterThan(0.8);
    // Hard budgets above warned at 80 % too; this one warns once.
    const warnings = await api('GET', '/api/v1/inbox?kind=budget_warning');
    expect(warnings.json.items.filter((item: StreamEvent) => item.ref_id === budget.id)).toHaveLength(1);
    const exceeded = await api('GET', '/api/v1/inbox?kind=budget_exceeded');
    expect(exceeded.json.items.filter((item: StreamEvent) => item.ref_id === budget.id)).toHaveLength(0);
    const count = await api('GET', '/api/v1/inbox/count');
    expect(count.json.unread).toBeGreaterThanOrEqual(2);
  });

  async function withRules(rules: unknown[]) {
    const set = await api('PUT', '/api/v1/approvals/rules', { rules });
    expect(set.status, set.text).toBe(200);
  }

  it('a sync approval holds the tool call until it is approved over REST, then the run goes on', {
    timeout: 300_000,
  }, async () => {
    await withRules([
      { name: 'gate-proof', on: 'tool_use', tool: 'Bash', input: '*approved.txt*', mode: 'sync' },
    ]);
    const slug = agentSlug('eve');
    queues
      .get(slug)
      ?.push(
        { toolUse: shell(`echo yes > /output/${slug}/approved.txt`), usage: SMALL },
        { text: 'done after approval', usage: SMALL },
      );
    const runId = await startAsk('eve', 'write the file once allowed');
    const pending = await waitFor(async () => {
      const list = await api('GET', `/api/v1/approvals?status=pending&run=${runId}`);
      return list.json.items[0];
    });
    expect(pending).toMatchObject({ rule_name: 'gate-proof', trigger: 'tool_use', mode: 'sync' });
    expect(pending.summary).toContain('Bash');
    // Held: the agent has not received the tool call, so nothing was written.
    expect(existsSync(outputFile('eve', 'approved.txt'))).toBe(false);
    const inbox = await api('GET', '/api/v1/inbox?kind=approval');
    expect(inbox.json.items.some((item: StreamEvent) => item.ref_id === pending.id)).toBe(true);
    const decided = await api('POST', `/api/v1/approvals/${pending.id}/decide`, { decision: 'approve' });
    expect(decided.status, decided.text).toBe(200);
    const run = await ended(runId);
    expect(run.status).toBe('completed');
    expect(existsSync(outputFile('eve', 'approved.txt'))).toBe(true);
    const again = await api('POST', `/api/v1/approvals/${pending.id}/decide`, { decision: 'deny' });
    expect(again.status).toBe(409);
    const entries = await api('GET', `/api/v1/journal?trace=${runId}&type=approval.approved`);
    expect(entries.json.items).toHaveLength(1);
  });

  it('a denied or timed-out sync approval stops the run; the tool call never reaches the agent', {
    timeout: 300_000,
  }, async () => {
    await withRules([
      { name: 'deny-me', on: 'tool_use', input: '*denied.txt*', mode: 'sync' },
      { name: 'nobody-answers', on: 'tool_use', input: '*timeout.txt*', mode: 'sync', timeout_seconds: 2 },
    ]);
    const slug = agentSlug('eve');
    queues.get(slug)?.push({ toolUse: shell(`echo no > /output/${slug}/denied.txt`), usage: SMALL });
    const denyRun = await startAsk('eve', 'try it');
    const pending = await waitFor(async () => {
      const list = await api('GET', `/api/v1/approvals?status=pending&run=${denyRun}`);
      return list.json.items[0];
    });
    expect(
      (await api('POST', `/api/v1/approvals/${pending.id}/decide`, { decision: 'deny', note: 'no' })).status,
    ).toBe(200);
    expect(await ended(denyRun)).toMatchObject({ status: 'failed', reason: 'approval_denied' });
    expect(existsSync(outputFile('eve', 'denied.txt'))).toBe(false);

    queues.get(slug)?.push({ toolUse: shell(`echo late > /output/${slug}/timeout.txt`), usage: SMALL });
    const timeoutRun = await startAsk('eve', 'try again');
    expect(await ended(timeoutRun)).toMatchObject({ status: 'failed', reason: 'approval_denied' });
    expect(existsSync(outputFile('eve', 'timeout.txt'))).toBe(false);
    const timedOut = await api('GET', `/api/v1/approvals?run=${timeoutRun}`);
    expect(timedOut.json.items[0]).toMatchObject({ status: 'timed_out', rule_name: 'nobody-answers' });
  });

  it('an async rule only logs: the run goes on and the approval is recorded as logged', {
    timeout: 300_000,
  }, async () => {
    await withRules([{ name: 'log-it', on: 'tool_use', tool: 'bash', mode: 'async' }]);
    const slug = agentSlug('eve');
    queues
      .get(slug)
      ?.push(
        { toolUse: shell(`echo logged > /output/${slug}/logged.txt`), usage: SMALL },
        { text: 'logged and done', usage: SMALL },
      );
    const runId = await startAsk('eve', 'log it');
    expect((await ended(runId)).status).toBe('completed');
    expect(existsSync(outputFile('eve', 'logged.txt'))).toBe(true);
    const list = await api('GET', `/api/v1/approvals?run=${runId}`);
    expect(list.json.items.map((item: StreamEvent) => item.status)).toEqual(['logged']);
  });

  it('Keeper execute from inside the container: runs as the keeper user, output redacted, hostile commands refused', {
    timeout: 300_000,
  }, async () => {
    const secret = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
    const credential = await api('POST', '/api/v1/credentials', {
      name: 'github-token',
      provider: 'generic',
      type: 'SECRET',
      value: secret,
    });
    expect(credential.status, credential.text).toBe(201);
    expect(
      (await api('POST', `/api/v1/credentials/${credential.json.id}/assign`, { agents: [agentSlug('eve')] }))
        .status,
    ).toBe(200);
    const rules = await api('PUT', '/api/v1/keeper/rules', {
      yaml: 'rules:\n  - name: github-ok\n    action: allow\n    credential: "github-*"\n',
    });
    expect(rules.status, rules.text).toBe(200);
    const keeperCall = (body: Record<string, unknown>) =>
      postNdjson(server, token, `/api/v1/crews/${crewId}/exec`, {
        agent: agentSlug('eve'),
        cmd: [
          'node',
          '-e',
          `fetch('http://127.0.0.1:9119/keeper/execute',{method:'POST',headers:{'content-type':'application/json'},body:process.argv[1]}).then(async r=>console.log(r.status+' '+await r.text()))`,
          JSON.stringify({
            agent: agentSlug('eve'),
            credential: 'github-token',
            intent: 'check who I am on GitHub',
            ...body,
          }),
        ],
        timeout_ms: 60_000,
      });
    const stdoutOf = (events: StreamEvent[]) =>
      events
        .filter((event) => event.stream === 'stdout')
        .map((event) => event.line)
        .join('\n');

    const printed = await keeperCall({ command: 'printenv GITHUB_TOKEN' });
    const printedOut = stdoutOf(printed.events);
    expect(printedOut).toMatch(/^200 /);
    expect(printedOut).not.toContain(secret);
    expect(printedOut).toContain('[REDACTED');
    const whoami = await keeperCall({ command: 'id -u' });
    expect(JSON.parse(stdoutOf(whoami.events).slice(4)).stdout.trim()).toBe('1003');
    const hostile = await keeperCall({ command: 'printenv GITHUB_TOKEN; cat /etc/passwd' });
    expect(stdoutOf(hostile.events)).toMatch(/^400 /);
    const decisions = await api('GET', '/api/v1/keeper/requests?limit=10');
    expect(decisions.status).toBe(200);
    expect(JSON.stringify(decisions.json)).not.toContain(secret);
    // The hostile command never left the sidecar: two decisions, both allowed by the rule.
    expect(
      decisions.json.items.map((entry: StreamEvent) => [entry.payload.decision, entry.payload.decided_by]),
    ).toEqual([
      ['allow', 'rule'],
      ['allow', 'rule'],
    ]);
  });
});
