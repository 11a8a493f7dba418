import {
  CrewshipError,
  type Member,
  type Role,
  slugify,
  type WorkspaceContext,
  type WorkspaceService,
} from '@crewship/contracts';
import { type CrewshipDatabase, isUniqueViolation, users, workspaceMembers, workspaces } from '@crewship/db';
import { and, asc, count, eq, or, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { toMember, toWorkspace } from './mappers.js';
import { assertCanAssign } from './role-rules.js';

export interface WorkspaceServiceOptions {
  now?: () => Date;
}

/** The SQLite implementation of the `WorkspaceService` port. */
export function createSqliteWorkspaceService(
  database: CrewshipDatabase,
  options: WorkspaceServiceOptions = {},
): WorkspaceService {
  const { db, sqlite } = database;
  const now = options.now ?? (() => new Date());

  // Membership is resolved on every workspace request: prepared once.
  const membershipByReference = db
    .select({ workspaceId: workspaces.id, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(
      and(
        eq(workspaceMembers.userId, sql.placeholder('userId')),
        or(
          eq(workspaces.id, sql.placeholder('reference')),
          eq(workspaces.slug, sql.placeholder('reference')),
        ),
      ),
    )
    .prepare();
  const oldestMembership = db
    .select({ workspaceId: workspaceMembers.workspaceId, role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(eq(workspaceMembers.userId, sql.placeholder('userId')))
    .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.workspaceId))
    .limit(1)
    .prepare();

  function slugConflict(slug: string) {
    return new CrewshipError(
      'conflict',
      `a workspace with slug "${slug}" already exists; choose another slug`,
    );
  }

  function workspaceRow(id: string) {
    const row = db.select().from(workspaces).where(eq(workspaces.id, id)).get();
    if (!row) throw new CrewshipError('not_found', 'workspace not found');
    return row;
  }

  function memberRow(workspaceId: string, userId: string) {
    return db
      .select({ user: users, role: workspaceMembers.role, createdAt: workspaceMembers.createdAt })
      .from(workspaceMembers)
      .innerJoin(users, eq(users.id, workspaceMembers.userId))
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
      .get();
  }

  function ownerCount(workspaceId: string): number {
    const row = db
      .select({ owners: count() })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, 'OWNER')))
      .get();
    return row?.owners ?? 0;
  }

  function requireMember(context: WorkspaceContext, userId: string) {
    const member = memberRow(context.workspaceId, userId);
    if (!member) throw new CrewshipError('not_found', `user ${userId} is not a member of this workspace`);
    return member;
  }

  function assertNotLastOwner(context: WorkspaceContext, current: Role, what: string) {
    if (current === 'OWNER' && ownerCount(context.workspaceId) <= 1) {
      throw new CrewshipError(
        'conflict',
        `cannot ${what} the last Owner of a workspace; make someone else Owner first`,
      );
    }
  }

  return {
    async membership(userId, reference) {
      const row = membershipByReference.get({ userId, reference });
      return row ? { userId, workspaceId: row.workspaceId, role: row.role } : null;
    },

    async defaultMembership(userId) {
      const row = oldestMembership.get({ userId });
      return row ? { userId, workspaceId: row.workspaceId, role: row.role } : null;
    },

    async list(userId) {
      return db
        .select({ workspace: workspaces, role: workspaceMembers.role })
        .from(workspaceMembers)
        .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
        .where(eq(workspaceMembers.userId, userId))
        .orderBy(asc(workspaceMembers.createdAt), asc(workspaces.id))
        .all()
        .map(({ workspace, role }) => toWorkspace(workspace, role));
    },

    async create(userId, input) {
      const stamp = now().toISOString();
      const row = {
        id: ulid(),
        name: input.name,
        slug: input.slug ?? slugify(input.name),
        createdAt: stamp,
        updatedAt: stamp,
      };
      try {
        sqlite.transaction(() => {
          db.insert(workspaces).values(row).run();
          db.insert(workspaceMembers)
            .values({ workspaceId: row.id, userId, role: 'OWNER', createdAt: stamp })
            .run();
        })();
      } catch (error) {
        if (isUniqueViolation(error)) throw slugConflict(row.slug);
        throw error;
      }
      return toWorkspace(row, 'OWNER');
    },

    async get(context) {
      return toWorkspace(workspaceRow(context.workspaceId), context.role);
    },

    async update(context, input) {
      try {
        db.update(workspaces)
          .set({ ...input, updatedAt: now().toISOString() })
          .where(eq(workspaces.id, context.workspaceId))
          .run();
      } catch (error) {
        if (isUniqueViolation(error)) throw slugConflict(input.slug ?? '');
        throw error;
      }
      return toWorkspace(workspaceRow(context.workspaceId), context.role);
    },

    async delete(context) {
      const result = db.delete(workspaces).where(eq(workspaces.id, context.workspaceId)).run();
      if (result.changes === 0) throw new CrewshipError('not_found', 'workspace not found');
    },

    async listMembers(context): Promise<Member[]> {
      return db
        .select({ user: users, role: workspaceMembers.role, createdAt: workspaceMembers.createdAt })
        .from(workspaceMembers)
        .innerJoin(users, eq(users.id, workspaceMembers.userId))
        .where(eq(workspaceMembers.workspaceId, context.workspaceId))
        .orderBy(asc(workspaceMembers.createdAt), asc(users.id))
        .all()
        .map((row) => toMember(row.user, row.role, row.createdAt));
    },

    async addMember(context, input) {
      assertCanAssign(context.role, { next: input.role });
      const user = db.select().from(users).where(eq(users.email, input.email)).get();
      if (!user) {
        throw new CrewshipError(
          'not_found',
          `no user with email ${input.email}; create one with \`crewship user create\``,
        );
      }
      const stamp = now().toISOString();
      try {
        db.insert(workspaceMembers)
          .values({ workspaceId: context.workspaceId, userId: user.id, role: input.role, createdAt: stamp })
          .run();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new CrewshipError('conflict', `${input.email} is already a member of this workspace`);
        }
        throw error;
      }
      return toMember(user, input.role, stamp);
    },

    async updateMember(context, userId, input) {
      return sqlite
        .transaction(() => {
          const member = requireMember(context, userId);
          assertCanAssign(context.role, { current: member.role, next: input.role });
          if (input.role !== 'OWNER') assertNotLastOwner(context, member.role, 'demote');
          db.update(workspaceMembers)
            .set({ role: input.role })
            .where(
              and(eq(workspaceMembers.workspaceId, context.workspaceId), eq(workspaceMembers.userId, userId)),
            )
            .run();
          return toMember(member.user, input.role, member.createdAt);
        })
        .immediate();
    },

    async removeMember(context, userId) {
      sqlite
        .transaction(() => {
          const member = requireMember(context, userId);
          assertCanAssign(context.role, { current: member.role });
          assertNotLastOwner(context, member.role, 'remove');
          db.delete(workspaceMembers)
            .where(
              and(eq(workspaceMembers.workspaceId, context.workspaceId), eq(workspaceMembers.userId, userId)),
            )
            .run();
        })
        .immediate();
    },
  };
}
