import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatStore, createSqliteChatStore } from '../src/index.js';

let directory: string;
let database: CrewshipDatabase;
let store: ChatStore;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'crewship-chats-'));
  database = createDatabase({ file: join(directory, 'crewship.db') });
  migrate(database.sqlite);
  const { sqlite } = database;
  for (const ws of ['wa', 'wb']) {
    sqlite
      .prepare(
        "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')",
      )
      .run(ws, ws, ws);
    sqlite
      .prepare(
        `INSERT INTO crews (id, workspace_id, name, slug, runtime_image, network_mode, memory_mb, cpus, created_at, updated_at)
         VALUES (?, ?, 'c', 'c', 'img', 'restricted', 512, 1, 'now', 'now')`,
      )
      .run(`crew-${ws}`, ws);
    sqlite
      .prepare(
        `INSERT INTO agents (id, workspace_id, crew_id, name, slug, role, cli_adapter, tool_profile, created_at, updated_at)
         VALUES (?, ?, ?, 'a', 'a', 'MEMBER', 'CLAUDE_CODE', 'CODING', 'now', 'now')`,
      )
      .run(`agent-${ws}`, ws, `crew-${ws}`);
  }
  store = createSqliteChatStore({ database });
});

afterEach(() => {
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

const newChat = (workspaceId = 'wa') =>
  store.create({ workspaceId, agentId: `agent-${workspaceId}`, title: 'hello', createdBy: 'u1' });

describe('chat store', () => {
  it('keeps messages in order, pages forward and links runs', async () => {
    const chat = newChat();
    const first = store.appendUserMessage({
      workspaceId: 'wa',
      chatId: chat.id,
      content: 'one',
      runId: null,
    });
    await store.appendAssistantMessage({ chatId: chat.id, runId: 'run1', content: 'two' });
    store.appendUserMessage({ workspaceId: 'wa', chatId: chat.id, content: 'three', runId: 'run2' });
    const gone = store.appendUserMessage({ workspaceId: 'wa', chatId: chat.id, content: 'four', runId: 'x' });
    store.removeMessage(gone.id);
    expect(store.workspaceOf(chat.id)).toBe('wa');
    expect(store.workspaceOf('nope')).toBeNull();
    const all = store.messages('wa', chat.id);
    expect(all.map((message) => [message.role, message.content, message.run_id])).toEqual([
      ['user', 'one', null],
      ['assistant', 'two', 'run1'],
      ['user', 'three', 'run2'],
    ]);
    expect(store.messages('wa', chat.id, { afterId: first.id, limit: 1 }).map((m) => m.content)).toEqual([
      'two',
    ]);
    expect(() => store.messages('wa', chat.id, { afterId: 'nope' })).toThrow(/not found/);
  });

  it('gives history before a message, newest turns within the limit, oldest first', async () => {
    const chat = newChat();
    for (const content of ['a', 'b', 'c', 'd']) {
      store.appendUserMessage({ workspaceId: 'wa', chatId: chat.id, content, runId: null });
    }
    const current = store.appendUserMessage({
      workspaceId: 'wa',
      chatId: chat.id,
      content: 'now',
      runId: 'r',
    });
    const history = await store.history(chat.id, current.id, 3);
    expect(history.map((turn) => turn.content)).toEqual(['b', 'c', 'd']);
  });

  it('scopes chats to their workspace and refuses agents of another one', () => {
    const chat = newChat();
    expect(() => store.get('wb', chat.id)).toThrow(/not found/);
    expect(() =>
      store.appendUserMessage({ workspaceId: 'wb', chatId: chat.id, content: 'x', runId: null }),
    ).toThrow(/not found/);
    expect(() =>
      store.create({ workspaceId: 'wb', agentId: 'agent-wa', title: 't', createdBy: 'u' }),
    ).toThrow(/not found/);
    expect(store.list('wb', {})).toEqual([]);
    expect(store.list('wa', { agentId: 'agent-wa' }).map((item) => item.id)).toEqual([chat.id]);
  });

  it('goes away with its agent', () => {
    const chat = newChat();
    store.appendUserMessage({ workspaceId: 'wa', chatId: chat.id, content: 'x', runId: null });
    database.sqlite.prepare('DELETE FROM agents WHERE id = ?').run('agent-wa');
    expect(() => store.get('wa', chat.id)).toThrow(/not found/);
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM chat_messages').get()).toEqual({ n: 0 });
  });
});
