import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type InboxItem,
  inboxItemSchema,
  inboxPageSchema,
  isCrewshipError,
  type LogFields,
  type Logger,
  type NewInboxItem,
  ROLES,
  type Role,
  silentLogger,
} from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInbox, type Inbox, type InboxViewer } from '../src/index.js';

let directory: string;
let database: CrewshipDatabase;
let inbox: Inbox;
let changes: { workspaceId: string; userIds: string[] }[];
let clock: number;

/** Workspace `wa` has one member per role; `wb` has its own owner and `u-member` as its OWNER too. */
const MEMBERS: Record<string, [string, Role][]> = {
  wa: [
    ['u-owner', 'OWNER'],
    ['u-admin', 'ADMIN'],
    ['u-manager', 'MANAGER'],
    ['u-member', 'MEMBER'],
    ['u-viewer', 'VIEWER'],
  ],
  wb: [
    ['u-b', 'OWNER'],
    ['u-member', 'OWNER'],
  ],
};

const viewerOf = (role: Role, workspaceId = 'wa'): InboxViewer => {
  const entry = MEMBERS[workspaceId]?.find(([, memberRole]) => memberRole === role);
  if (!entry) throw new Error(`no ${role} in ${workspaceId}`);
  return { workspaceId, userId: entry[0], role };
};

function kindOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isCrewshipError(error) ? error.kind : `not a CrewshipError: ${String(error)}`;
  }
  return undefined;
}

const item = (overrides: Partial<NewInboxItem> = {}): NewInboxItem => ({
  workspaceId: 'wa',
  kind: 'approval',
  target: { role: 'ADMIN' },
  title: 'Approve Bash: rm -rf build',
  body: 'The agent wants to run a command.',
  ...overrides,
});

function open(logger: Logger = silentLogger, onChange?: Parameters<typeof createInbox>[0]['onChange']) {
  return createInbox({
    database,
    now: () => new Date(Date.UTC(2026, 0, 1) + clock++ * 1000),
    onChange: onChange ?? ((change) => changes.push(change)),
    logger,
  });
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'crewship-inbox-'));
  database = createDatabase({ file: join(directory, 'crewship.db') });
  migrate(database.sqlite);
  const { sqlite } = database;
  const users = new Set(Object.values(MEMBERS).flatMap((members) => members.map(([id]) => id)));
  for (const id of users) {
    sqlite
      .prepare(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', 'now', 'now')",
      )
      .run(id, `${id}@example.com`, id);
  }
  for (const [workspaceId, members] of Object.entries(MEMBERS)) {
    sqlite
      .prepare(
        "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')",
      )
      .run(workspaceId, workspaceId, workspaceId);
    for (const [userId, role] of members) {
      sqlite
        .prepare(
          "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, 'now')",
        )
        .run(workspaceId, userId, role);
    }
  }
  changes = [];
  clock = 0;
  inbox = open();
});

afterEach(() => {
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

const idsOf = (items: InboxItem[]) => items.map((entry) => entry.id);

describe('visibility', () => {
  it('shows a role-targeted item to that role and every stronger one, in SQL and in recipients', () => {
    const byTarget = new Map(ROLES.map((role) => [role, inbox.add(item({ target: { role } })).id]));
    // Viewer role -> target roles whose items it must see.
    const expected: Record<Role, Role[]> = {
      OWNER: ['OWNER', 'ADMIN', 'MANAGER', 'MEMBER', 'VIEWER'],
      ADMIN: ['ADMIN', 'MANAGER', 'MEMBER', 'VIEWER'],
      MANAGER: ['MANAGER', 'MEMBER', 'VIEWER'],
      MEMBER: ['MEMBER', 'VIEWER'],
      VIEWER: ['VIEWER'],
    };
    for (const viewerRole of ROLES) {
      const viewer = viewerOf(viewerRole);
      const visible = expected[viewerRole].map((target) => byTarget.get(target)).reverse();
      expect(idsOf(inbox.list(viewer, { limit: 50 }).items), viewerRole).toEqual(visible);
      expect(inbox.count(viewer), viewerRole).toEqual({ unread: visible.length });
      for (const [targetRole, id] of byTarget) {
        const canSee = expected[viewerRole].includes(targetRole);
        expect(
          kindOf(() => inbox.get(viewer, id)),
          `${viewerRole} gets ${targetRole}`,
        ).toBe(canSee ? undefined : 'not_found');
      }
    }
    expect(inbox.recipients('wa', { target_user_id: null, target_role: 'MANAGER' })).toEqual([
      'u-admin',
      'u-manager',
      'u-owner',
    ]);
    expect(inbox.recipients('wa', { target_user_id: null, target_role: 'VIEWER' })).toHaveLength(5);
    expect(inbox.recipients('wa', { target_user_id: null, target_role: 'OWNER' })).toEqual(['u-owner']);
    expect(inbox.recipients('wb', { target_user_id: null, target_role: 'ADMIN' })).toEqual([
      'u-b',
      'u-member',
    ]);
  });

  it('shows a user-targeted item only to that user, whatever the roles of others', () => {
    const mine = inbox.add(item({ kind: 'agent_reply', target: { userId: 'u-member' } }));
    expect(mine.target_user_id).toBe('u-member');
    expect(mine.target_role).toBeNull();
    expect(idsOf(inbox.list(viewerOf('MEMBER'), { limit: 10 }).items)).toEqual([mine.id]);
    expect(inbox.get(viewerOf('MEMBER'), mine.id).id).toBe(mine.id);
    for (const role of ['OWNER', 'ADMIN', 'MANAGER', 'VIEWER'] as const) {
      expect(inbox.list(viewerOf(role), { limit: 10 }).items, role).toEqual([]);
      expect(inbox.count(viewerOf(role)), role).toEqual({ unread: 0 });
      expect(
        kindOf(() => inbox.get(viewerOf(role), mine.id)),
        role,
      ).toBe('not_found');
      expect(
        kindOf(() => inbox.resolve(viewerOf(role), mine.id)),
        role,
      ).toBe('not_found');
    }
    // The same user in another workspace does not see it there.
    const elsewhere: InboxViewer = { workspaceId: 'wb', userId: 'u-member', role: 'OWNER' };
    expect(inbox.list(elsewhere, { limit: 10 }).items).toEqual([]);
    expect(kindOf(() => inbox.get(elsewhere, mine.id))).toBe('not_found');
    expect(inbox.recipients('wa', mine)).toEqual(['u-member']);
    expect(inbox.recipients('wa', { target_user_id: 'u-b', target_role: null })).toEqual([]);
  });
});

describe('listing', () => {
  it('pages a large inbox by cursor without gaps or repeats, even while items arrive and move', () => {
    const targets: NewInboxItem['target'][] = [
      { role: 'MANAGER' },
      { role: 'OWNER' },
      { userId: 'u-manager' },
      { userId: 'u-admin' },
      { role: 'VIEWER' },
    ];
    const all: InboxItem[] = [];
    for (let index = 0; index < 1000; index += 1) {
      all.push(inbox.add(item({ title: `item ${index}`, target: targets[index % targets.length] })));
    }
    const manager = viewerOf('MANAGER');
    const visibleToManager = all
      .filter(
        (entry) =>
          entry.target_user_id === 'u-manager' ||
          entry.target_role === 'MANAGER' ||
          entry.target_role === 'VIEWER',
      )
      .reverse();
    expect(visibleToManager).toHaveLength(600);

    const seen: string[] = [];
    const archivedMidway = visibleToManager[500];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = inbox.list(manager, { limit: 7, cursor });
      expect(inboxPageSchema.parse(page)).toEqual(page);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...idsOf(page.items));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
      if (pages === 3) {
        inbox.add(item({ title: 'arrives later', target: { role: 'VIEWER' } }));
        if (archivedMidway) inbox.archive(manager, archivedMidway.id);
      }
    } while (cursor);
    const expected = idsOf(visibleToManager).filter((id) => id !== archivedMidway?.id);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(599 / 7));

    // A page that ends exactly on the last item says there is no more.
    const exact = inbox.list(viewerOf('OWNER', 'wb'), { limit: 5 });
    expect(exact).toEqual({ items: [], next_cursor: null });
    for (let index = 0; index < 4; index += 1) inbox.add(item({ workspaceId: 'wb' }));
    const first = inbox.list(viewerOf('OWNER', 'wb'), { limit: 2 });
    const second = inbox.list(viewerOf('OWNER', 'wb'), { limit: 2, cursor: first.next_cursor ?? '' });
    expect(first.next_cursor).not.toBeNull();
    expect(second.items).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
  });

  it('filters by status and kind; archived items only when asked for', () => {
    const owner = viewerOf('OWNER');
    const approval = inbox.add(item({ kind: 'approval' }));
    const failed = inbox.add(item({ kind: 'failed_run', refType: 'run', refId: 'r1' }));
    const budget = inbox.add(item({ kind: 'budget_warning' }));
    const reply = inbox.add(item({ kind: 'agent_reply', target: { userId: 'u-owner' } }));
    inbox.markRead(owner, failed.id);
    inbox.resolve(owner, budget.id);
    inbox.archive(owner, reply.id);

    const list = (query: Parameters<Inbox['list']>[1]) => idsOf(inbox.list(owner, query).items);
    expect(list({ limit: 50 })).toEqual([budget.id, failed.id, approval.id]);
    expect(list({ limit: 50, status: 'unread' })).toEqual([approval.id]);
    expect(list({ limit: 50, status: 'read' })).toEqual([failed.id]);
    expect(list({ limit: 50, status: 'resolved' })).toEqual([budget.id]);
    expect(list({ limit: 50, status: 'archived' })).toEqual([reply.id]);
    expect(list({ limit: 50, kind: 'failed_run' })).toEqual([failed.id]);
    expect(list({ limit: 50, kind: 'agent_reply' })).toEqual([]);
    expect(list({ limit: 50, kind: 'agent_reply', status: 'archived' })).toEqual([reply.id]);
    expect(list({ limit: 50, kind: 'approval', status: 'read' })).toEqual([]);
    expect(list({ limit: 1, kind: 'budget_warning' })).toEqual([budget.id]);
  });
});

describe('status', () => {
  it('counts visible unread items per viewer', () => {
    inbox.add(item({ target: { role: 'ADMIN' } }));
    const shared = inbox.add(item({ target: { role: 'MEMBER' } }));
    inbox.add(item({ target: { userId: 'u-member' } }));
    inbox.add(item({ target: { userId: 'u-admin' } }));
    inbox.add(item({ workspaceId: 'wb', target: { role: 'VIEWER' } }));
    const counts = () => ROLES.map((role) => inbox.count(viewerOf(role)).unread);
    expect(counts()).toEqual([2, 3, 1, 2, 0]);
    // Role-targeted items are shared: one reader reads them for everyone who sees them.
    inbox.markRead(viewerOf('MEMBER'), shared.id);
    expect(counts()).toEqual([1, 2, 0, 1, 0]);
    expect(inbox.count(viewerOf('OWNER', 'wb'))).toEqual({ unread: 1 });
  });

  it('moves forward only, with conditional updates, and repeats are no-ops', () => {
    const admin = viewerOf('ADMIN');
    const owner = viewerOf('OWNER');
    const added = inbox.add(item());
    expect(inboxItemSchema.parse(added)).toEqual(added);
    expect(added).toMatchObject({ status: 'unread', read_at: null, resolved_at: null, resolved_by: null });

    const read = inbox.markRead(admin, added.id);
    expect(read.status).toBe('read');
    expect(read.read_at).not.toBeNull();
    expect(inbox.markRead(owner, added.id)).toEqual(read);

    const resolved = inbox.resolve(admin, added.id);
    expect(resolved).toMatchObject({
      status: 'resolved',
      read_at: read.read_at,
      resolved_by: 'user:u-admin',
    });
    expect(resolved.resolved_at).not.toBeNull();
    // A second resolver does not overwrite the first; reading a resolved item changes nothing.
    expect(inbox.resolve(owner, added.id)).toEqual(resolved);
    expect(inbox.markRead(owner, added.id)).toEqual(resolved);
    expect(inbox.get(owner, added.id)).toEqual(resolved);

    const archived = inbox.archive(owner, added.id);
    expect(archived).toEqual({ ...resolved, status: 'archived' });
    expect(inbox.archive(admin, added.id)).toEqual(archived);
    expect(inbox.resolve(admin, added.id)).toEqual(archived);
    expect(inbox.markRead(admin, added.id)).toEqual(archived);

    // Resolving straight from unread marks it read too; archiving straight from unread as well.
    const direct = inbox.resolve(owner, inbox.add(item()).id);
    expect(direct).toMatchObject({ status: 'resolved', resolved_by: 'user:u-owner' });
    expect(direct.read_at).toBe(direct.resolved_at);
    const dismissed = inbox.archive(owner, inbox.add(item()).id);
    expect(dismissed).toMatchObject({ status: 'archived', resolved_at: null, resolved_by: null });
    expect(dismissed.read_at).not.toBeNull();
  });

  it('resolves open items by ref in one workspace only', () => {
    const admin = viewerOf('ADMIN');
    const ref = { refType: 'approval', refId: 'ap-1' };
    const unread = inbox.add(item(ref));
    const read = inbox.add(item({ ...ref, target: { userId: 'u-member' } }));
    inbox.markRead(viewerOf('MEMBER'), read.id);
    const archived = inbox.add(item(ref));
    inbox.archive(admin, archived.id);
    const otherRef = inbox.add(item({ refType: 'approval', refId: 'ap-2' }));
    const otherType = inbox.add(item({ refType: 'run', refId: 'ap-1' }));
    const otherWorkspace = inbox.add(item({ ...ref, workspaceId: 'wb' }));
    changes = [];

    expect(inbox.resolveByRef('wa', 'approval', 'ap-1', 'approval:decided')).toBe(2);
    expect(changes).toEqual([{ workspaceId: 'wa', userIds: ['u-admin', 'u-member', 'u-owner'] }]);
    const status = (viewer: InboxViewer, id: string) => inbox.get(viewer, id);
    expect(status(admin, unread.id)).toMatchObject({
      status: 'resolved',
      resolved_by: 'approval:decided',
      read_at: null,
    });
    expect(status(viewerOf('MEMBER'), read.id)).toMatchObject({ status: 'resolved' });
    expect(status(admin, archived.id).status).toBe('archived');
    expect(status(admin, otherRef.id).status).toBe('unread');
    expect(status(admin, otherType.id).status).toBe('unread');
    expect(status(viewerOf('OWNER', 'wb'), otherWorkspace.id).status).toBe('unread');

    changes = [];
    expect(inbox.resolveByRef('wa', 'approval', 'ap-1', 'approval:decided')).toBe(0);
    expect(inbox.resolveByRef('wa', 'approval', 'nothing', 'system')).toBe(0);
    expect(changes).toEqual([]);
  });
});

describe('onChange', () => {
  it('names the recipients of every change and stays quiet on no-ops', () => {
    const manager = viewerOf('MANAGER');
    const forManagers = inbox.add(item({ target: { role: 'MANAGER' } }));
    const forMember = inbox.add(item({ target: { userId: 'u-member' } }));
    inbox.add(item({ workspaceId: 'wb', target: { role: 'OWNER' } }));
    expect(changes).toEqual([
      { workspaceId: 'wa', userIds: ['u-admin', 'u-manager', 'u-owner'] },
      { workspaceId: 'wa', userIds: ['u-member'] },
      { workspaceId: 'wb', userIds: ['u-b', 'u-member'] },
    ]);

    changes = [];
    inbox.markRead(manager, forManagers.id);
    inbox.markRead(manager, forManagers.id);
    inbox.resolve(manager, forManagers.id);
    inbox.resolve(manager, forManagers.id);
    inbox.archive(manager, forManagers.id);
    inbox.archive(manager, forManagers.id);
    inbox.archive(viewerOf('MEMBER'), forMember.id);
    inbox.get(manager, forManagers.id);
    inbox.list(manager, { limit: 5 });
    inbox.count(manager);
    const managers = { workspaceId: 'wa', userIds: ['u-admin', 'u-manager', 'u-owner'] };
    expect(changes).toEqual([managers, managers, managers, { workspaceId: 'wa', userIds: ['u-member'] }]);
  });

  it('keeps working when the listener throws or rejects, and logs it', async () => {
    const warnings: [string, LogFields | undefined][] = [];
    const logger: Logger = { ...silentLogger, warn: (message, fields) => warnings.push([message, fields]) };
    const throwing = open(logger, () => {
      throw new Error('listener down');
    });
    const added = throwing.add(item());
    expect(throwing.markRead(viewerOf('ADMIN'), added.id).status).toBe('read');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.[1]).toMatchObject({ workspaceId: 'wa', error: 'Error: listener down' });

    const rejecting = open(logger, async () => {
      throw new Error('async down');
    });
    expect(rejecting.add(item()).status).toBe('unread');
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(3);
    expect(warnings[2]?.[1]).toMatchObject({ error: 'Error: async down' });
  });
});

describe('hostile input', () => {
  it('rejects invalid new items with invalid_input and stores nothing', () => {
    const invalid: unknown[] = [
      item({ title: 'x'.repeat(201) }),
      item({ title: '   ' }),
      item({ title: '' }),
      item({ body: 'é'.repeat(4097) }),
      item({ kind: 'mention' as NewInboxItem['kind'] }),
      item({ target: { role: 'ROOT' as Role } }),
      item({ target: { userId: 'u-admin', role: 'ADMIN' } as unknown as NewInboxItem['target'] }),
      item({ target: {} as NewInboxItem['target'] }),
      item({ target: { userId: 'x'.repeat(65) } }),
      item({ refType: 'approval' }),
      item({ refId: 'ap-1' }),
      item({ workspaceId: '' }),
      { ...item(), title: 42 },
      null,
    ];
    for (const input of invalid) {
      expect(
        kindOf(() => inbox.add(input as NewInboxItem)),
        JSON.stringify(input)?.slice(0, 80),
      ).toBe('invalid_input');
    }
    expect(inbox.list(viewerOf('OWNER'), { limit: 50, status: 'unread' }).items).toEqual([]);
    expect(changes).toEqual([]);

    expect(inbox.add(item({ title: 'x'.repeat(200), body: 'é'.repeat(4096) })).title).toHaveLength(200);
    expect(inbox.add(item({ title: '  padded  ' })).title).toBe('padded');
    expect(kindOf(() => inbox.add(item({ workspaceId: 'w-unknown' })))).toBe('not_found');
  });

  it('rejects bad cursors, queries and viewers; hides other workspaces and unknown ids', () => {
    const owner = viewerOf('OWNER');
    const ownItem = inbox.add(item());
    const foreign = inbox.add(item({ workspaceId: 'wb', target: { role: 'VIEWER' } }));
    const cursors = ['garbage', 'aTE', Buffer.from('i1-1').toString('base64url'), 'x'.repeat(101)];
    for (const cursor of cursors) {
      expect(
        kindOf(() => inbox.list(owner, { limit: 10, cursor })),
        cursor,
      ).toBe('invalid_input');
    }
    const queries = [
      { limit: 0 },
      { limit: 501 },
      { limit: 1.5 },
      { limit: 10, status: 'deleted' },
      { limit: 10, kind: 'mention' },
      { limit: 10, workspace: 'wb' },
    ];
    for (const query of queries) {
      expect(
        kindOf(() => inbox.list(owner, query as Parameters<Inbox['list']>[1])),
        JSON.stringify(query),
      ).toBe('invalid_input');
    }
    const viewers = [
      { ...owner, role: 'ROOT' },
      { ...owner, userId: '' },
      { ...owner, workspaceId: undefined },
    ];
    for (const viewer of viewers) {
      expect(kindOf(() => inbox.count(viewer as InboxViewer))).toBe('invalid_input');
      expect(kindOf(() => inbox.get(viewer as InboxViewer, ownItem.id))).toBe('invalid_input');
    }

    for (const action of ['get', 'markRead', 'resolve', 'archive'] as const) {
      expect(
        kindOf(() => inbox[action](owner, foreign.id)),
        action,
      ).toBe('not_found');
      expect(
        kindOf(() => inbox[action](owner, 'no-such-id')),
        action,
      ).toBe('not_found');
      expect(
        kindOf(() => inbox[action](owner, "' OR 1=1 --")),
        action,
      ).toBe('not_found');
      expect(
        kindOf(() => inbox[action](owner, 42 as unknown as string)),
        action,
      ).toBe('not_found');
    }
    expect(inbox.get(viewerOf('OWNER', 'wb'), foreign.id).status).toBe('unread');
    expect(kindOf(() => inbox.resolveByRef('wa', '', 'x', 'system'))).toBe('invalid_input');
    expect(kindOf(() => inbox.resolveByRef('wa', 'approval', 'x', ''))).toBe('invalid_input');
    expect(kindOf(() => inbox.recipients('wa', { target_user_id: null, target_role: 'ROOT' as Role }))).toBe(
      'invalid_input',
    );
  });
});
