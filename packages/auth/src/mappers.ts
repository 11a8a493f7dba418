import type { Member, Role, Token, User, Workspace } from '@crewship/contracts';
import type { authTokens, users, workspaces } from '@crewship/db';

type UserRow = typeof users.$inferSelect;
type WorkspaceRow = typeof workspaces.$inferSelect;
type TokenRow = typeof authTokens.$inferSelect;

export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, created_at: row.createdAt };
}

export function toWorkspace(row: WorkspaceRow, role: Role): Workspace {
  return { id: row.id, name: row.name, slug: row.slug, role, created_at: row.createdAt };
}

export function toMember(user: UserRow, role: Role, createdAt: string): Member {
  return { user_id: user.id, email: user.email, name: user.name, role, created_at: createdAt };
}

export function toToken(row: TokenRow, currentTokenId?: string): Token {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
    current: row.id === currentTokenId,
  };
}
