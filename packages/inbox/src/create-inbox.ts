import {
  CrewshipError,
  INBOX_KINDS,
  INBOX_STATUSES,
  type InboxItem,
  type InboxKind,
  type InboxStatus,
  type InboxWriter,
  idSchema,
  type Logger,
  listInboxQuerySchema,
  type NewInboxItem,
  ROLES,
  type Role,
  roleAtLeast,
  roleSchema,
  silentLogger,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { ulid } from 'ulid';
import { z } from 'zod';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor.js';

export const INBOX_TITLE_MAX_CHARS = 200;
export const INBOX_BODY_MAX_BYTES = 8 * 1024;

/** Who is looking: the server resolves the role from `workspace_members` before calling. */
export interface InboxViewer {
  workspaceId: string;
  userId: string;
  role: Role;
}

export interface InboxOptions {
  database: CrewshipDatabase;
  now?: () => Date;
  /** Called after every change with the workspace and the users whose unread count may have changed. Errors are caught. */
  onChange?: (change: { workspaceId: string; userIds: string[] }) => void;
  /** Receives the errors `onChange` throws. */
  logger?: Logger;
}

export interface InboxListQuery {
  status?: InboxStatus;
  kind?: InboxKind;
  cursor?: string;
  limit: number;
}

/**
 * The per-user feed. Statuses only move forward (unread → read → resolved → archived); an item the
 * viewer cannot see reads as `not_found`.
 */
export interface Inbox extends InboxWriter {
  /** Validates (title 1..200 characters, body at most 8 KiB, known kind) and stores an unread item. */
  add(item: NewInboxItem): InboxItem;
  /** Resolves the unread and read items about `ref`; returns how many changed. */
  resolveByRef(workspaceId: string, refType: string, refId: string, by: string): number;
  /** Newest first; without `status`, archived items are left out. */
  list(viewer: InboxViewer, query: InboxListQuery): { items: InboxItem[]; next_cursor: string | null };
  count(viewer: InboxViewer): { unread: number };
  get(viewer: InboxViewer, id: string): InboxItem;
  /** unread → read; any other status is returned unchanged. */
  markRead(viewer: InboxViewer, id: string): InboxItem;
  /** unread or read → resolved with `resolved_by = 'user:<id>'`; resolved or archived is returned unchanged. */
  resolve(viewer: InboxViewer, id: string): InboxItem;
  /** Any status → archived (idempotent). */
  archive(viewer: InboxViewer, id: string): InboxItem;
  /** Users of the workspace who can see the item (target user, or members whose role is at least the target role). */
  recipients(workspaceId: string, item: Pick<InboxItem, 'target_user_id' | 'target_role'>): string[];
}

interface InboxRow extends InboxItem {
  seq: number;
}

const refTypeSchema = z.string().min(1).max(64);
const refIdSchema = z.string().min(1).max(200);

const newItemSchema = z
  .object({
    workspaceId: idSchema,
    kind: z.enum(INBOX_KINDS),
    target: z.union([z.strictObject({ userId: idSchema }), z.strictObject({ role: roleSchema })]),
    title: z.string().trim().min(1, 'must not be empty').max(INBOX_TITLE_MAX_CHARS),
    body: z
      .string()
      .refine(
        (body) => Buffer.byteLength(body, 'utf8') <= INBOX_BODY_MAX_BYTES,
        `must be at most ${INBOX_BODY_MAX_BYTES} bytes`,
      ),
    refType: refTypeSchema.optional(),
    refId: refIdSchema.optional(),
  })
  .refine((item) => (item.refType === undefined) === (item.refId === undefined), {
    message: 'give refType and refId together',
    path: ['refId'],
  });

const resolveByRefSchema = z.object({
  workspaceId: idSchema,
  refType: refTypeSchema,
  refId: refIdSchema,
  by: z.string().min(1).max(200),
});

const viewerSchema = z.object({ workspaceId: idSchema, userId: idSchema, role: roleSchema });

const recipientsSchema = z.object({
  workspaceId: idSchema,
  target_user_id: idSchema.nullable(),
  target_role: roleSchema.nullable(),
});

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  throw new CrewshipError(
    'invalid_input',
    `${what} is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    { details: { issues } },
  );
}

const toItem = ({ seq: _seq, ...item }: InboxRow): InboxItem => item;

/** The target roles a viewer reaches, as a JSON list for `json_each`: its own role and every weaker one. */
const reachedRoles = (role: Role) => JSON.stringify(ROLES.filter((target) => roleAtLeast(role, target)));

const VISIBLE = `workspace_id = @workspaceId
  AND (target_user_id = @userId OR target_role IN (SELECT value FROM json_each(@roles)))`;

type Transition = 'read' | 'resolve' | 'archive';

/** Conditional updates: each only matches the statuses it may move forward from. */
const TRANSITIONS: Record<Transition, string> = {
  read: `UPDATE inbox_items SET status = 'read', read_at = COALESCE(read_at, @now)
    WHERE id = @id AND ${VISIBLE} AND status = 'unread' RETURNING *`,
  resolve: `UPDATE inbox_items
    SET status = 'resolved', read_at = COALESCE(read_at, @now), resolved_at = @now, resolved_by = @by
    WHERE id = @id AND ${VISIBLE} AND status IN ('unread', 'read') RETURNING *`,
  archive: `UPDATE inbox_items SET status = 'archived', read_at = COALESCE(read_at, @now)
    WHERE id = @id AND ${VISIBLE} AND status IN ('unread', 'read', 'resolved') RETURNING *`,
};

const NOT_ARCHIVED = INBOX_STATUSES.filter((status) => status !== 'archived')
  .map((status) => `'${status}'`)
  .join(', ');

export function createInbox(options: InboxOptions): Inbox {
  const { sqlite } = options.database;
  const logger = options.logger ?? silentLogger;
  const now = () => (options.now ?? (() => new Date()))().toISOString();

  const insert = sqlite.prepare<Omit<InboxRow, 'seq'>, InboxRow>(
    `INSERT INTO inbox_items (id, workspace_id, kind, target_user_id, target_role, title, body, ref_type,
       ref_id, status, created_at, read_at, resolved_at, resolved_by)
     VALUES (@id, @workspace_id, @kind, @target_user_id, @target_role, @title, @body, @ref_type,
       @ref_id, @status, @created_at, @read_at, @resolved_at, @resolved_by)
     RETURNING *`,
  );
  const visibleById = sqlite.prepare<Record<string, unknown>, InboxRow>(
    `SELECT * FROM inbox_items WHERE id = @id AND ${VISIBLE}`,
  );
  const unreadCount = sqlite.prepare<Record<string, unknown>, { unread: number }>(
    `SELECT COUNT(*) AS unread FROM inbox_items WHERE ${VISIBLE} AND status = 'unread'`,
  );
  const resolveRef = sqlite.prepare<
    Record<string, unknown>,
    Pick<InboxRow, 'target_user_id' | 'target_role'>
  >(
    `UPDATE inbox_items SET status = 'resolved', resolved_at = @now, resolved_by = @by
     WHERE workspace_id = @workspaceId AND ref_type = @refType AND ref_id = @refId
       AND status IN ('unread', 'read')
     RETURNING target_user_id, target_role`,
  );
  const transitions = {
    read: sqlite.prepare<Record<string, unknown>, InboxRow>(TRANSITIONS.read),
    resolve: sqlite.prepare<Record<string, unknown>, InboxRow>(TRANSITIONS.resolve),
    archive: sqlite.prepare<Record<string, unknown>, InboxRow>(TRANSITIONS.archive),
  };
  const member = sqlite.prepare<[string, string], { user_id: string }>(
    'SELECT user_id FROM workspace_members WHERE workspace_id = ? AND user_id = ?',
  );
  const membersFrom = sqlite.prepare<[string, string], { user_id: string }>(
    `SELECT user_id FROM workspace_members
     WHERE workspace_id = ? AND role IN (SELECT value FROM json_each(?)) ORDER BY user_id`,
  );
  const listStatements = new Map<
    string,
    ReturnType<typeof sqlite.prepare<Record<string, unknown>, InboxRow>>
  >();

  function listStatement(byStatus: boolean, byKind: boolean) {
    const key = `${byStatus}:${byKind}`;
    let statement = listStatements.get(key);
    if (!statement) {
      statement = sqlite.prepare<Record<string, unknown>, InboxRow>(
        `SELECT * FROM inbox_items WHERE ${VISIBLE}
           AND ${byStatus ? 'status = @status' : `status IN (${NOT_ARCHIVED})`}
           ${byKind ? 'AND kind = @kind' : ''}
           AND seq < @before
         ORDER BY seq DESC LIMIT @limit`,
      );
      listStatements.set(key, statement);
    }
    return statement;
  }

  function viewerParams(input: InboxViewer) {
    const viewer = parse(viewerSchema, input, 'inbox viewer');
    return { workspaceId: viewer.workspaceId, userId: viewer.userId, roles: reachedRoles(viewer.role) };
  }

  function notFound(id: unknown): never {
    throw new CrewshipError('not_found', `inbox item "${String(id).slice(0, 64)}" not found`);
  }

  function visible(params: ReturnType<typeof viewerParams>, id: string): InboxRow {
    if (typeof id !== 'string') notFound(id);
    return visibleById.get({ ...params, id }) ?? notFound(id);
  }

  function recipients(workspaceId: string, item: Pick<InboxItem, 'target_user_id' | 'target_role'>) {
    const target = parse(
      recipientsSchema,
      { workspaceId, target_user_id: item.target_user_id, target_role: item.target_role },
      'inbox recipients query',
    );
    if (target.target_user_id !== null) {
      return member.get(target.workspaceId, target.target_user_id) ? [target.target_user_id] : [];
    }
    if (target.target_role === null) return [];
    const minimum = target.target_role;
    const roles = JSON.stringify(ROLES.filter((role) => roleAtLeast(role, minimum)));
    return membersFrom.all(target.workspaceId, roles).map((row) => row.user_id);
  }

  function notify(workspaceId: string, userIds: string[]) {
    if (!options.onChange) return;
    const report = (error: unknown) =>
      logger.warn('inbox onChange listener failed', { workspaceId, error: String(error) });
    try {
      const result: unknown = options.onChange({ workspaceId, userIds });
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }

  function transition(action: Transition, viewer: InboxViewer, id: string): InboxItem {
    const params = viewerParams(viewer);
    if (typeof id !== 'string') notFound(id);
    const changed = transitions[action].get({ ...params, id, now: now(), by: `user:${params.userId}` });
    if (!changed) return toItem(visible(params, id));
    notify(changed.workspace_id, recipients(changed.workspace_id, changed));
    return toItem(changed);
  }

  return {
    add(input) {
      const item = parse(newItemSchema, input, 'inbox item');
      let row: InboxRow | undefined;
      try {
        row = insert.get({
          id: ulid(),
          workspace_id: item.workspaceId,
          kind: item.kind,
          target_user_id: 'userId' in item.target ? item.target.userId : null,
          target_role: 'role' in item.target ? item.target.role : null,
          title: item.title,
          body: item.body,
          ref_type: item.refType ?? null,
          ref_id: item.refId ?? null,
          status: 'unread',
          created_at: now(),
          read_at: null,
          resolved_at: null,
          resolved_by: null,
        });
      } catch (error) {
        if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new CrewshipError('not_found', `workspace "${item.workspaceId}" not found`, { cause: error });
        }
        throw error;
      }
      if (!row) throw new CrewshipError('internal', 'inbox item was not stored');
      notify(row.workspace_id, recipients(row.workspace_id, row));
      return toItem(row);
    },

    resolveByRef(workspaceId, refType, refId, by) {
      const input = parse(resolveByRefSchema, { workspaceId, refType, refId, by }, 'inbox ref');
      const changed = resolveRef.all({ ...input, now: now() });
      if (changed.length === 0) return 0;
      const userIds = new Set<string>();
      for (const target of changed) {
        for (const userId of recipients(input.workspaceId, target)) userIds.add(userId);
      }
      notify(input.workspaceId, [...userIds].sort());
      return changed.length;
    },

    list(viewer, query) {
      const params = viewerParams(viewer);
      const filter = parse(listInboxQuerySchema, query, 'inbox query');
      const before = filter.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeInboxCursor(filter.cursor);
      const rows = listStatement(filter.status !== undefined, filter.kind !== undefined).all({
        ...params,
        status: filter.status,
        kind: filter.kind,
        before,
        limit: filter.limit + 1,
      });
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        items: page.map(toItem),
        next_cursor: rows.length > filter.limit && last ? encodeInboxCursor(last.seq) : null,
      };
    },

    count(viewer) {
      return { unread: unreadCount.get(viewerParams(viewer))?.unread ?? 0 };
    },

    get: (viewer, id) => toItem(visible(viewerParams(viewer), id)),
    markRead: (viewer, id) => transition('read', viewer, id),
    resolve: (viewer, id) => transition('resolve', viewer, id),
    archive: (viewer, id) => transition('archive', viewer, id),
    recipients,
  };
}
