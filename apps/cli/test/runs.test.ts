import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import type { ContainerRuntime, JournalEntryDto, Run } from '@crewship/contracts';
import { createDatabase } from '@crewship/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  type CliUser,
  cliUser,
  initOwner,
  parseJson,
  removeTemporaryDirectories,
  startTestServer,
  type TestServer,
  temporaryDirectory,
} from './cli-harness.js';

const FAKE_CLAUDE = fileURLToPath(new URL('./fixtures/fake-claude.mjs', import.meta.url));

/** The fake runtime (container paths under a temp root) with a stand-in `claude` first on its PATH. */
function localCrewRuntime(root: string): ContainerRuntime {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\nexec "${process.execPath}" "${FAKE_CLAUDE}" "$@"\n`);
  chmodSync(join(bin, 'claude'), 0o755);
  return createFakeContainerRuntime({ root, path: [bin] });
}

let server: TestServer;
let owner: CliUser;

const ndjson = (result: CliResult) =>
  result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** `ask` and returns the result with the chat and run ids it reported. */
async function ask(args: readonly string[]) {
  const result = await owner.run(['ask', ...args]);
  const runId = /run (\S+) in chat/.exec(result.stderr)?.[1];
  const chatId = /in chat (\S+)/.exec(result.stderr)?.[1];
  return { result, runId, chatId };
}

beforeAll(async () => {
  server = await startTestServer({ containerRuntime: localCrewRuntime(temporaryDirectory('crew-root')) });
  owner = cliUser(server.url, 'owner');
  await initOwner(owner);
  expect((await owner.run(['crew', 'create', 'Web Team'])).code).toBe(0);
  expect((await owner.run(['agent', 'create', 'Ada', '--crew', 'web-team'])).code).toBe(0);
  expect((await owner.run(['agent', 'create', 'Bob', '--crew', 'web-team'])).code).toBe(0);
});

afterAll(async () => {
  await server?.close();
  removeTemporaryDirectories();
});

describe('crewship ask', () => {
  let firstRun: string;
  let firstChat: string;

  it('streams the answer to stdout, tool calls and a summary to stderr, and exits 0', async () => {
    const { result, runId, chatId } = await ask(['--agent', 'ada', 'hello', 'there']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Marmalade report: you asked "hello there".\n');
    expect(result.stderr).toContain('→ Bash {"command":"ls /workspace"}\n');
    expect(result.stderr).toContain('← Bash (2 lines)\n');
    expect(result.stderr).toMatch(
      /^— completed in \S+ · \$0\.0123 · 120 in \/ 45 out tokens · 2 turns · continue with: crewship ask --chat \S+ "…"$/m,
    );
    expect(runId).toBeDefined();
    expect(chatId).toBeDefined();
    firstRun = runId ?? '';
    firstChat = chatId ?? '';
    const run = parseJson<Run>(await owner.run(['run', 'get', firstRun, '--json']));
    expect(run).toMatchObject({ status: 'completed', chat_id: firstChat, cost_usd: 0.0123 });
  });

  it('reads the prompt from stdin with - and continues a chat with --chat', async () => {
    const result = await owner.run(['ask', '--chat', firstChat, '-'], { input: 'second question\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Marmalade report: you asked "second question".\n');
    const refused = await owner.run(['ask', '--chat', firstChat, '--agent', 'bob', 'hi']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('another agent');
    const nobody = await owner.run(['ask', 'hi']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('--agent SLUG');
  });

  it('prints every stream line as NDJSON with --json, the ended run last', async () => {
    const result = await owner.run(['ask', '--agent', 'ada', '--json', 'json please']);
    expect(result.code, result.stderr).toBe(0);
    const lines = ndjson(result);
    const last = lines.at(-1) as { done: boolean; run: Run };
    expect(last.done).toBe(true);
    expect(last.run).toMatchObject({ status: 'completed', turns: 2 });
    const events = lines.slice(0, -1) as { seq: number; event: { kind: string; event?: { type: string } } }[];
    expect(events.every((line) => typeof line.seq === 'number')).toBe(true);
    const types = events
      .filter((line) => line.event.kind === 'agent.event')
      .map((line) => line.event.event?.type);
    expect(types).toContain('text_delta');
    expect(types).toContain('tool_use');
    expect(types).toContain('tool_result');
    expect(types.at(-1)).toBe('result');
    expect(events.some((line) => line.event.kind === 'run.status')).toBe(true);
  });

  it('exits non-zero with the reason when the agent CLI exits 123', async () => {
    const { result, runId } = await ask(['--agent', 'ada', 'BAD_CREDENTIAL now']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/crewship: run \S+ failed \(reason: bad_credential\)/);
    const run = parseJson<Run>(await owner.run(['run', 'get', runId ?? '', '--json']));
    expect(run).toMatchObject({ status: 'failed', reason: 'bad_credential' });

    const timedOut = await owner.run(['ask', '--agent', 'bob', '--timeout', '1', 'SLOW but limited']);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toMatch(/crewship: run \S+ timed out after 1s \(reason: timeout\)/);
  });

  it('cancels the run on the server on Ctrl-C and exits 130', async () => {
    let signalled = false;
    const result = await owner.runInteractive(['ask', '--agent', 'bob', 'SLOW please'], (output, child) => {
      if (!signalled && output.stdout.includes('Thinking it over')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('cancelling run');
    const runId = /run (\S+) in chat/.exec(result.stderr)?.[1] ?? '';
    const run = parseJson<Run>(await owner.run(['run', 'get', runId, '--json']));
    expect(run).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
  });
});

describe('crewship chat', () => {
  it('lists chats, shows the messages, sends with --no-wait and follows the stream', async () => {
    const list = await owner.run(['chat', 'list', '--agent', 'ada']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+AGENT\s+TITLE\s+UPDATED\s+RUNNING$/m);
    expect(list.stdout).toMatch(/^\S+\s+ada\s+Chat with Ada\s/m);
    expect(list.stdout).not.toMatch(/\sbob\s/);
    const chats = parseJson<{ id: string }[]>(await owner.run(['chat', 'list', '--agent', 'ada', '--json']));
    const chatId = chats.find(() => true)?.id ?? '';

    const sent = await owner.run(['chat', 'send', chatId, '--no-wait', 'third', 'one']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^run:\s+\S+$/m);
    const runId = /^run:\s+(\S+)$/m.exec(sent.stdout)?.[1] ?? '';

    let signalled = false;
    const followed = await owner.runInteractive(
      ['chat', 'stream', chatId, '--after-seq', '0'],
      (output, child) => {
        if (!signalled && output.stderr.includes(`run ${runId} completed`)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toContain('> third one\n');
    expect(followed.stdout).toContain('Marmalade report: you asked "third one".\n');

    const messages = await owner.run(['chat', 'messages', chatId]);
    expect(messages.code, messages.stderr).toBe(0);
    expect(messages.stdout).toMatch(/^\[[\d-]+ [\d:]+\] you\n {2}third one$/m);
    expect(messages.stdout).toMatch(
      new RegExp(
        `^\\[[\\d-]+ [\\d:]+\\] agent \\(run ${runId}\\)\\n {2}Marmalade report: you asked "third one"\\.$`,
        'm',
      ),
    );
    const json = parseJson<{ role: string }[]>(await owner.run(['chat', 'messages', chatId, '--json']));
    expect(json.map((message) => message.role).slice(-2)).toEqual(['user', 'assistant']);

    const missing = await owner.run(['chat', 'messages', 'no-such-chat']);
    expect(missing.code).toBe(5);
  });
});

describe('crewship run', () => {
  it('lists, filters, shows and counts runs; cancelling an ended run is a conflict', async () => {
    const list = await owner.run(['run', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+AGENT\s+STARTED\s+DURATION\s+COST\s+TOKENS\s+PROMPT$/m);
    expect(list.stdout).toMatch(/^\S+\s+completed\s+ada\s.*\$0\.0123\s+120\/45\s+hello there$/m);
    expect(list.stdout).toMatch(/^\S+\s+failed \(bad_credential\)\s+ada\s/m);
    expect(list.stdout).toMatch(/^\S+\s+cancelled\s+bob\s/m);
    expect(list.stdout).toMatch(/^\S+\s+timeout\s+bob\s/m);

    const failed = parseJson<Run[]>(await owner.run(['run', 'list', '--status', 'failed', '--json']));
    expect(failed.map((run) => run.reason)).toEqual(['bad_credential']);
    const bobs = parseJson<Run[]>(await owner.run(['run', 'list', '--agent', 'bob', '--json']));
    expect(bobs.map((run) => run.status).sort()).toEqual(['cancelled', 'timeout']);
    expect((await owner.run(['run', 'list', '--status', 'lost'])).code).toBe(2);

    const id = failed[0]?.id ?? '';
    const get = await owner.run(['run', 'get', id]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toMatch(/^status:\s+failed$/m);
    expect(get.stdout).toMatch(/^reason:\s+bad_credential$/m);
    expect(get.stdout).toMatch(/^agent:\s+ada$/m);

    const cancel = await owner.run(['run', 'cancel', id]);
    expect(cancel.code).toBe(6);
    expect(cancel.stderr).toContain('already ended');
    expect((await owner.run(['run', 'get', 'nope'])).code).toBe(5);

    const stats = await owner.run(['run', 'stats']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^runs:\s+7$/m);
    expect(stats.stdout).toMatch(/^by_status:\s+.*failed 1/m);
    expect(stats.stdout).toMatch(/^by_status:\s+.*cancelled 1/m);
  });
});

describe('crewship journal and logs', () => {
  it('lists the entries of one run and finds it by a word of its output', async () => {
    const [completed] = parseJson<Run[]>(
      await owner.run(['run', 'list', '--agent', 'ada', '--status', 'completed', '--limit', '1', '--json']),
    );
    const runId = completed?.id ?? '';
    const trace = await owner.run(['journal', 'list', '--trace', runId, '--all']);
    expect(trace.code, trace.stderr).toBe(0);
    expect(trace.stdout).toMatch(/^SEQ\s+TIME\s+TYPE\s+TRACE\s+SUMMARY$/m);
    expect(trace.stdout).toMatch(/\srun\.started\s/);
    expect(trace.stdout).toMatch(/\sagent\.tool_use\s.*Tool call: Bash/);
    expect(trace.stdout).toMatch(/\srun\.completed\s/);

    const search = parseJson<{ items: JournalEntryDto[] }>(
      await owner.run(['journal', 'search', 'marmalade', '--json']),
    );
    expect(search.items.length).toBeGreaterThan(0);
    expect(search.items.every((entry) => /marmalade/i.test(JSON.stringify(entry)))).toBe(true);
    expect(search.items.map((entry) => entry.trace_id)).toContain(runId);
    const none = await owner.run(['journal', 'search', 'xylophone']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('No entries match "xylophone".\n');
  });

  it('pages with --limit and the cursor, or follows every cursor with --all', async () => {
    const first = parseJson<{ items: JournalEntryDto[]; next_cursor: string | null }>(
      await owner.run(['journal', 'list', '--limit', '2', '--json']),
    );
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = parseJson<{ items: JournalEntryDto[] }>(
      await owner.run(['journal', 'list', '--limit', '2', '--cursor', first.next_cursor ?? '', '--json']),
    );
    expect((second.items[0]?.seq ?? 0) < (first.items[1]?.seq ?? 0)).toBe(true);
    const human = await owner.run(['journal', 'list', '--limit', '2']);
    expect(human.stderr).toMatch(/^more: add --cursor \S+ for the next page/m);
    const all = parseJson<{ items: JournalEntryDto[]; next_cursor: null }>(
      await owner.run(['journal', 'list', '--all', '--limit', '3', '--json']),
    );
    const seqs = all.items.map((entry) => entry.seq);
    expect(all.next_cursor).toBeNull();
    expect(seqs.length).toBeGreaterThan(6);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const types = parseJson<{ items: JournalEntryDto[] }>(
      await owner.run(['journal', 'list', '--type', 'run.*', '--all', '--json']),
    );
    expect(types.items.every((entry) => entry.entry_type.startsWith('run.'))).toBe(true);
    expect((await owner.run(['journal', 'list', '--since', 'yesterday-ish'])).code).toBe(2);
  });

  it('tails new entries of a type, replaying after a seq, until Ctrl-C', async () => {
    const latest = parseJson<{ items: JournalEntryDto[] }>(
      await owner.run(['journal', 'list', '--limit', '1', '--json']),
    ).items[0]?.seq;
    const asking = owner.run(['ask', '--agent', 'ada', 'tailed question']);
    let signalled = false;
    const tailed = await owner.runInteractive(
      ['journal', 'tail', '--type', 'run.*', '--after-seq', String(latest)],
      (output, child) => {
        if (!signalled && /run\.completed/.test(output.stdout)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(tailed.code, tailed.stderr).toBe(0);
    expect((await asking).code).toBe(0);
    const lines = tailed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^[\d-]+ [\d:]+ {2}run\.started\s+Run started: Ada/);
    expect(lines.every((line) => /^[\d-]+ [\d:]+ {2}run\.\w+\s+Run /.test(line))).toBe(true);
  });

  it('verifies the hash chain', async () => {
    const verify = await owner.run(['journal', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^Journal intact: \d+ entries checked\.$/m);
  });

  it("prints an agent's entries oldest first and follows new ones", async () => {
    const logs = await owner.run(['logs', '--agent', 'bob']);
    expect(logs.code, logs.stderr).toBe(0);
    const lines = logs.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^[\d-]+ [\d:]+ {2}run\.started\s+Run started: Bob/);
    expect(lines.at(-1)).toMatch(/^[\d-]+ [\d:]+ {2}run\.cancelled\s/);
    expect(logs.stdout).not.toContain('Ada');

    let asked = false;
    let signalled = false;
    let asking: Promise<CliResult> | undefined;
    const followed = await owner.runInteractive(
      ['logs', '--agent', 'ada', '--follow', '--limit', '3'],
      (output, child) => {
        if (!asked && output.stdout.split('\n').length > 3) {
          asked = true;
          asking = owner.run(['ask', '--agent', 'ada', 'followed question']);
        }
        if (!signalled && /followed question[\s\S]*run\.completed/.test(output.stdout)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(followed.code, followed.stderr).toBe(0);
    expect((await asking)?.code).toBe(0);
    const tail = followed.stdout.split('\n').filter((line) => line !== '');
    expect(tail.slice(0, 3).every((line) => /^[\d-]+ [\d:]+ {2}\S+/.test(line))).toBe(true);
    expect(tail[3]).toMatch(/^[\d-]+ [\d:]+ {2}run\.started\s+Run started: Ada/);
    expect(tail.at(-1)).toMatch(/^[\d-]+ [\d:]+ {2}run\.completed\s+Run completed: Ada/);
    expect(tail.filter((line) => line.includes('followed question')).length).toBeGreaterThan(0);
    expect(followed.stdout).not.toContain('Bob');
  });
});

describe('crewship journal verify on an altered journal', () => {
  it('exits 1 and names the first broken seq', async () => {
    const { result, runId } = await ask(['--agent', 'ada', 'one more']);
    expect(result.code, result.stderr).toBe(0);
    const entries = parseJson<{ items: JournalEntryDto[] }>(
      await owner.run(['journal', 'list', '--trace', runId ?? '', '--json']),
    ).items;
    const seq = Math.min(...entries.map((entry) => entry.seq));
    const { sqlite, close } = createDatabase({ file: join(server.dataDir, 'crewship.db') });
    try {
      // What someone with write access to the file could do: lift the guard and rewrite history.
      sqlite.exec('DROP TRIGGER journal_entries_no_update');
      sqlite.prepare("UPDATE journal_entries SET summary = 'nothing to see' WHERE seq = ?").run(seq);
    } finally {
      close();
    }
    const verify = await owner.run(['journal', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`crewship: journal hash chain broken at seq ${seq} (`);
    const json = await owner.run(['journal', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, broken_at_seq: seq });
  });
});
