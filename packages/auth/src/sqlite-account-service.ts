import {
  type AccountService,
  type CreatedToken,
  CrewshipError,
  type IssuedToken,
  type Logger,
  type Me,
  type Principal,
  silentLogger,
  slugify,
  type Token,
  type User,
  type WorkspaceContext,
} from '@crewship/contracts';
import {
  authTokens,
  type CrewshipDatabase,
  isUniqueViolation,
  users,
  workspaceMembers,
  workspaces,
} from '@crewship/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { toMember, toToken, toUser, toWorkspace } from './mappers.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { assertCanAssign } from './role-rules.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';

export interface AccountServiceOptions {
  /** Key for hashing tokens (SESSION_SECRET from secrets.env). */
  tokenSecret: string;
  sessionTtlMs?: number;
  maxFailedLogins?: number;
  lockoutMs?: number;
  /** `last_used_at` is written at most this often per token, keeping authentication off the write path. */
  touchIntervalMs?: number;
  now?: () => Date;
  logger?: Logger;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function newUserRow(
  input: { email: string; name?: string | undefined },
  passwordHash: string,
  stamp: string,
): typeof users.$inferSelect {
  return {
    id: ulid(),
    email: input.email,
    name: input.name ?? input.email.split('@')[0] ?? input.email,
    passwordHash,
    failedLoginCount: 0,
    lockedUntil: null,
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/** The SQLite implementation of the `AccountService` port. */
export function createSqliteAccountService(
  database: CrewshipDatabase,
  options: AccountServiceOptions,
): AccountService {
  const { db } = database;
  const now = options.now ?? (() => new Date());
  const sessionTtlMs = options.sessionTtlMs ?? 7 * DAY_MS;
  const maxFailedLogins = options.maxFailedLogins ?? 5;
  const lockoutMs = options.lockoutMs ?? 15 * 60 * 1000;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const logger = options.logger ?? silentLogger;

  function insertToken(
    user: User,
    kind: 'cli' | 'session',
    name: string,
    expiresAt: Date | null,
  ): IssuedToken {
    const token = generateToken(kind);
    const row = {
      id: ulid(),
      userId: user.id,
      kind,
      name,
      tokenHash: hashToken(token, options.tokenSecret),
      createdAt: now().toISOString(),
      lastUsedAt: null,
      expiresAt: expiresAt?.toISOString() ?? null,
      revokedAt: null,
    };
    db.insert(authTokens).values(row).run();
    return { user, token, record: toToken(row, row.id) };
  }

  // Authentication runs on every request: prepared once instead of rebuilt per call.
  const tokenByHash = db
    .select({ token: authTokens, user: users })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .where(and(eq(authTokens.tokenHash, sql.placeholder('hash')), isNull(authTokens.revokedAt)))
    .prepare();

  function findUserByEmail(email: string) {
    return db.select().from(users).where(eq(users.email, email)).get();
  }

  return {
    async bootstrapNeeded() {
      return db.select({ id: users.id }).from(users).limit(1).get() === undefined;
    },

    async bootstrap(input) {
      const passwordHash = await hashPassword(input.password);
      const stamp = now().toISOString();
      return database.sqlite
        .transaction(() => {
          if (db.select({ id: users.id }).from(users).limit(1).get() !== undefined) {
            throw new CrewshipError('conflict', 'Crewship is already set up; log in instead');
          }
          const user = newUserRow(input, passwordHash, stamp);
          const workspace = {
            id: ulid(),
            name: input.workspace_name,
            slug: slugify(input.workspace_name),
            createdAt: stamp,
            updatedAt: stamp,
          };
          db.insert(users).values(user).run();
          db.insert(workspaces).values(workspace).run();
          db.insert(workspaceMembers)
            .values({ workspaceId: workspace.id, userId: user.id, role: 'OWNER', createdAt: stamp })
            .run();
          logger.info('bootstrap: first owner and workspace created', {
            userId: user.id,
            workspaceId: workspace.id,
          });
          return { user: toUser(user), workspace: toWorkspace(workspace, 'OWNER') };
        })
        .immediate();
    },

    async login({ email, password, kind, name }) {
      const user = findUserByEmail(email.toLowerCase());
      const invalid = new CrewshipError('unauthenticated', 'invalid email or password');
      if (!user) {
        await burnPasswordCheck(password);
        throw invalid;
      }
      const lockedUntil = user.lockedUntil ? new Date(user.lockedUntil) : null;
      if (lockedUntil && lockedUntil > now()) {
        const seconds = Math.ceil((lockedUntil.getTime() - now().getTime()) / 1000);
        throw new CrewshipError(
          'rate_limited',
          `account locked after ${maxFailedLogins} failed logins; try again in ${Math.ceil(seconds / 60)} minute(s)`,
          { details: { retryAfterSeconds: seconds } },
        );
      }
      if (!(await verifyPassword(password, user.passwordHash))) {
        const failures = database.sqlite.transaction(() => {
          const current = db
            .select({ count: users.failedLoginCount })
            .from(users)
            .where(eq(users.id, user.id))
            .get();
          const count = (current?.count ?? 0) + 1;
          const lock = count >= maxFailedLogins ? new Date(now().getTime() + lockoutMs).toISOString() : null;
          db.update(users)
            .set({ failedLoginCount: lock ? 0 : count, lockedUntil: lock })
            .where(eq(users.id, user.id))
            .run();
          return { count, locked: lock !== null };
        })();
        if (failures.locked) logger.warn('account locked after repeated failed logins', { userId: user.id });
        throw invalid;
      }
      db.update(users).set({ failedLoginCount: 0, lockedUntil: null }).where(eq(users.id, user.id)).run();
      const expiresAt = kind === 'session' ? new Date(now().getTime() + sessionTtlMs) : null;
      return insertToken(toUser(user), kind, name, expiresAt);
    },

    async authenticate(token) {
      if (!looksLikeToken(token)) return null;
      const row = tokenByHash.get({ hash: hashToken(token, options.tokenSecret) });
      if (!row) return null;
      const current = now();
      if (row.token.expiresAt && new Date(row.token.expiresAt) <= current) return null;
      const lastUsed = row.token.lastUsedAt ? new Date(row.token.lastUsedAt).getTime() : 0;
      if (current.getTime() - lastUsed >= touchIntervalMs) {
        db.update(authTokens)
          .set({ lastUsedAt: current.toISOString() })
          .where(eq(authTokens.id, row.token.id))
          .run();
      }
      return { user: toUser(row.user), tokenId: row.token.id, tokenKind: row.token.kind };
    },

    async me(userId): Promise<Me> {
      const user = db.select().from(users).where(eq(users.id, userId)).get();
      if (!user) throw new CrewshipError('unauthenticated', 'the account no longer exists');
      const memberships = db
        .select({ workspace: workspaces, role: workspaceMembers.role })
        .from(workspaceMembers)
        .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
        .where(eq(workspaceMembers.userId, userId))
        .orderBy(asc(workspaceMembers.createdAt), asc(workspaces.id))
        .all();
      return {
        user: toUser(user),
        workspaces: memberships.map(({ workspace, role }) => ({
          id: workspace.id,
          name: workspace.name,
          slug: workspace.slug,
          role,
        })),
      };
    },

    async listTokens(principal: Principal): Promise<Token[]> {
      const current = now().toISOString();
      return db
        .select()
        .from(authTokens)
        .where(
          and(
            eq(authTokens.userId, principal.user.id),
            isNull(authTokens.revokedAt),
            sql`(${authTokens.expiresAt} IS NULL OR ${authTokens.expiresAt} > ${current})`,
          ),
        )
        .orderBy(asc(authTokens.createdAt), asc(authTokens.id))
        .all()
        .map((row) => toToken(row, principal.tokenId));
    },

    async createToken(principal, input): Promise<CreatedToken> {
      const expiresAt =
        input.expires_in_days === undefined
          ? null
          : new Date(now().getTime() + input.expires_in_days * DAY_MS);
      const issued = insertToken(principal.user, 'cli', input.name, expiresAt);
      return { ...issued.record, current: false, token: issued.token };
    },

    async revokeToken(principal, tokenId) {
      const result = db
        .update(authTokens)
        .set({ revokedAt: now().toISOString() })
        .where(
          and(
            eq(authTokens.id, tokenId),
            eq(authTokens.userId, principal.user.id),
            isNull(authTokens.revokedAt),
          ),
        )
        .run();
      if (result.changes === 0) throw new CrewshipError('not_found', `token ${tokenId} not found`);
    },

    async createUser(context: WorkspaceContext, input) {
      assertCanAssign(context.role, { next: input.role });
      const passwordHash = await hashPassword(input.password);
      const stamp = now().toISOString();
      const user = newUserRow(input, passwordHash, stamp);
      try {
        database.sqlite.transaction(() => {
          db.insert(users).values(user).run();
          db.insert(workspaceMembers)
            .values({ workspaceId: context.workspaceId, userId: user.id, role: input.role, createdAt: stamp })
            .run();
        })();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new CrewshipError(
            'conflict',
            `a user with email ${input.email} already exists; add them to this workspace as a member instead`,
          );
        }
        throw error;
      }
      return toMember(user, input.role, stamp);
    },
  };
}
