import {
  type Chat,
  type ChatHistoryTurn,
  type ChatLog,
  type ChatMessage,
  CrewshipError,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { ulid } from 'ulid';

export interface SqliteChatStoreOptions {
  database: CrewshipDatabase;
  now?: () => Date;
}

/** Chats and messages; `workspaceId` scopes every read and write. */
export interface ChatStore extends ChatLog {
  create(input: { workspaceId: string; agentId: string; title: string; createdBy: string }): Chat;
  get(workspaceId: string, chatId: string): Chat;
  list(workspaceId: string, filter: { agentId?: string; limit?: number }): Chat[];
  /** `runId` is the run this message starts. */
  appendUserMessage(input: {
    workspaceId: string;
    chatId: string;
    content: string;
    runId: string | null;
  }): ChatMessage;
  /** Takes back a user message whose run could not start. */
  removeMessage(messageId: string): void;
  /** The workspace of a chat, or null when there is no such chat. */
  workspaceOf(chatId: string): string | null;
  /** Oldest first; `afterId` pages forward from a message. */
  messages(
    workspaceId: string,
    chatId: string,
    options?: { afterId?: string; limit?: number },
  ): ChatMessage[];
}

interface ChatRow {
  id: string;
  workspace_id: string;
  agent_id: string;
  title: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

interface MessageRow {
  seq: number;
  id: string;
  chat_id: string;
  role: 'user' | 'assistant';
  content: string;
  run_id: string | null;
  created_at: string;
}

const toChat = (row: ChatRow): Chat => ({ ...row, active_run_id: null });
const toMessage = ({ seq: _seq, ...row }: MessageRow): ChatMessage => row;
const clampLimit = (limit: number | undefined, fallback: number) =>
  Math.min(Math.max(Math.trunc(limit ?? fallback), 1), 1000);

export function createSqliteChatStore(options: SqliteChatStoreOptions): ChatStore {
  const { sqlite } = options.database;
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const chatById = sqlite.prepare<[string, string], ChatRow>(
    'SELECT * FROM chats WHERE id = ? AND workspace_id = ?',
  );
  const insertChat = sqlite.prepare<ChatRow>(
    `INSERT INTO chats (id, workspace_id, agent_id, title, created_by, created_at, updated_at)
     VALUES (@id, @workspace_id, @agent_id, @title, @created_by, @created_at, @updated_at)`,
  );
  const insertMessage = sqlite.prepare<Omit<MessageRow, 'seq'>>(
    `INSERT INTO chat_messages (id, chat_id, role, content, run_id, created_at)
     VALUES (@id, @chat_id, @role, @content, @run_id, @created_at)`,
  );
  const touchChat = sqlite.prepare<[string, string]>('UPDATE chats SET updated_at = ? WHERE id = ?');
  const messageSeq = sqlite.prepare<[string, string], { seq: number }>(
    'SELECT seq FROM chat_messages WHERE id = ? AND chat_id = ?',
  );
  const agentInWorkspace = sqlite.prepare<[string, string], { id: string }>(
    'SELECT id FROM agents WHERE id = ? AND workspace_id = ?',
  );

  function chat(workspaceId: string, chatId: string): ChatRow {
    const row = chatById.get(chatId, workspaceId);
    if (!row) throw new CrewshipError('not_found', `chat "${chatId}" not found`);
    return row;
  }

  const append = sqlite.transaction((row: Omit<MessageRow, 'seq'>) => {
    insertMessage.run(row);
    touchChat.run(row.created_at, row.chat_id);
    return row;
  });

  return {
    create(input) {
      if (!agentInWorkspace.get(input.agentId, input.workspaceId)) {
        throw new CrewshipError('not_found', `agent "${input.agentId}" not found`);
      }
      const at = now();
      const row: ChatRow = {
        id: ulid(),
        workspace_id: input.workspaceId,
        agent_id: input.agentId,
        title: input.title,
        created_by: input.createdBy,
        created_at: at,
        updated_at: at,
      };
      insertChat.run(row);
      return toChat(row);
    },

    get: (workspaceId, chatId) => toChat(chat(workspaceId, chatId)),

    list(workspaceId, filter) {
      const rows = filter.agentId
        ? sqlite
            .prepare<[string, string, number], ChatRow>(
              'SELECT * FROM chats WHERE workspace_id = ? AND agent_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?',
            )
            .all(workspaceId, filter.agentId, clampLimit(filter.limit, 100))
        : sqlite
            .prepare<[string, number], ChatRow>(
              'SELECT * FROM chats WHERE workspace_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?',
            )
            .all(workspaceId, clampLimit(filter.limit, 100));
      return rows.map(toChat);
    },

    appendUserMessage(input) {
      chat(input.workspaceId, input.chatId);
      return append({
        id: ulid(),
        chat_id: input.chatId,
        role: 'user',
        content: input.content,
        run_id: input.runId,
        created_at: now(),
      });
    },

    removeMessage(messageId) {
      sqlite.prepare('DELETE FROM chat_messages WHERE id = ?').run(messageId);
    },

    workspaceOf(chatId) {
      return (
        sqlite
          .prepare<[string], { workspace_id: string }>('SELECT workspace_id FROM chats WHERE id = ?')
          .get(chatId)?.workspace_id ?? null
      );
    },

    async appendAssistantMessage(input) {
      return append({
        id: ulid(),
        chat_id: input.chatId,
        role: 'assistant',
        content: input.content,
        run_id: input.runId,
        created_at: now(),
      });
    },

    messages(workspaceId, chatId, options = {}) {
      chat(workspaceId, chatId);
      const after = options.afterId ? messageSeq.get(options.afterId, chatId) : undefined;
      if (options.afterId && !after) {
        throw new CrewshipError('not_found', `message "${options.afterId}" not found in this chat`);
      }
      return sqlite
        .prepare<[string, number, number], MessageRow>(
          'SELECT * FROM chat_messages WHERE chat_id = ? AND seq > ? ORDER BY seq LIMIT ?',
        )
        .all(chatId, after?.seq ?? 0, clampLimit(options.limit, 200))
        .map(toMessage);
    },

    async history(chatId, beforeMessageId, limit): Promise<ChatHistoryTurn[]> {
      const before = messageSeq.get(beforeMessageId, chatId)?.seq ?? Number.MAX_SAFE_INTEGER;
      return sqlite
        .prepare<[string, number, number], ChatHistoryTurn>(
          `SELECT role, content FROM (
             SELECT seq, role, content FROM chat_messages WHERE chat_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?
           ) ORDER BY seq`,
        )
        .all(chatId, before, clampLimit(limit, 50));
    },
  };
}
