import type { z } from 'zod';
import type { Agent, createAgentRequestSchema, updateAgentRequestSchema } from './agents.js';
import type {
  bootstrapRequestSchema,
  CreatedToken,
  createTokenRequestSchema,
  createUserRequestSchema,
  Me,
  Token,
  User,
} from './auth.js';
import type { Crew, createCrewRequestSchema, updateCrewRequestSchema } from './crews.js';
import type { Role } from './roles.js';
import type {
  addMemberRequestSchema,
  createWorkspaceRequestSchema,
  Member,
  updateMemberRequestSchema,
  updateWorkspaceRequestSchema,
  Workspace,
} from './workspaces.js';

/** Who is calling: the user and the credential (session cookie or CLI token) they used. */
export interface Principal {
  user: User;
  tokenId: string;
  tokenKind: 'cli' | 'session';
}

/** A caller acting inside one workspace with their role there. */
export interface WorkspaceContext {
  userId: string;
  workspaceId: string;
  role: Role;
}

export interface IssuedToken {
  user: User;
  record: Token;
  /** The secret bearer value; never stored in clear. */
  token: string;
}

/** Accounts: bootstrap, login with lockout, sessions and CLI tokens, user creation. */
export interface AccountService {
  bootstrapNeeded(): Promise<boolean>;
  bootstrap(input: z.output<typeof bootstrapRequestSchema>): Promise<{ user: User; workspace: Workspace }>;
  /** Verifies the password (with lockout) and issues a session or CLI token. */
  login(input: {
    email: string;
    password: string;
    kind: 'cli' | 'session';
    name: string;
  }): Promise<IssuedToken>;
  authenticate(token: string): Promise<Principal | null>;
  me(userId: string): Promise<Me>;
  listTokens(principal: Principal): Promise<Token[]>;
  createToken(principal: Principal, input: z.output<typeof createTokenRequestSchema>): Promise<CreatedToken>;
  revokeToken(principal: Principal, tokenId: string): Promise<void>;
  createUser(context: WorkspaceContext, input: z.output<typeof createUserRequestSchema>): Promise<Member>;
}

/** Workspaces and their members; every role rule (last Owner, no escalation) lives behind this port. */
export interface WorkspaceService {
  /** The caller's role in a workspace given by id or slug, or null when they are not a member. */
  membership(userId: string, workspace: string): Promise<WorkspaceContext | null>;
  /** The workspace used when a request names none: the caller's oldest membership. */
  defaultMembership(userId: string): Promise<WorkspaceContext | null>;
  list(userId: string): Promise<Workspace[]>;
  create(userId: string, input: z.output<typeof createWorkspaceRequestSchema>): Promise<Workspace>;
  get(context: WorkspaceContext): Promise<Workspace>;
  update(context: WorkspaceContext, input: z.output<typeof updateWorkspaceRequestSchema>): Promise<Workspace>;
  delete(context: WorkspaceContext): Promise<void>;
  listMembers(context: WorkspaceContext): Promise<Member[]>;
  addMember(context: WorkspaceContext, input: z.output<typeof addMemberRequestSchema>): Promise<Member>;
  updateMember(
    context: WorkspaceContext,
    userId: string,
    input: z.output<typeof updateMemberRequestSchema>,
  ): Promise<Member>;
  removeMember(context: WorkspaceContext, userId: string): Promise<void>;
}

/** Crew records; `reference` is an id or a slug, scoped to the context's workspace. */
export interface CrewService {
  list(context: WorkspaceContext): Promise<Crew[]>;
  get(context: WorkspaceContext, reference: string): Promise<Crew>;
  create(context: WorkspaceContext, input: z.output<typeof createCrewRequestSchema>): Promise<Crew>;
  update(
    context: WorkspaceContext,
    reference: string,
    input: z.output<typeof updateCrewRequestSchema>,
  ): Promise<Crew>;
  delete(context: WorkspaceContext, reference: string): Promise<void>;
}

/** Agent records; `reference` is an id or a slug, scoped to the context's workspace. */
export interface AgentService {
  list(context: WorkspaceContext, filter: { crew?: string | undefined }): Promise<Agent[]>;
  get(context: WorkspaceContext, reference: string): Promise<Agent>;
  create(context: WorkspaceContext, input: z.output<typeof createAgentRequestSchema>): Promise<Agent>;
  update(
    context: WorkspaceContext,
    reference: string,
    input: z.output<typeof updateAgentRequestSchema>,
  ): Promise<Agent>;
  delete(context: WorkspaceContext, reference: string): Promise<void>;
}
