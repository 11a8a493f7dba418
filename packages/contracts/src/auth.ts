import { z } from 'zod';
import { emailSchema, idSchema, nameSchema, passwordSchema, timestampSchema } from './common.js';
import { roleSchema } from './roles.js';

export const CLI_TOKEN_PREFIX = 'crewship_cli_';

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  created_at: timestampSchema,
});
export type User = z.infer<typeof userSchema>;

export const workspaceSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  slug: z.string(),
  role: roleSchema,
});

export const meSchema = z.object({
  user: userSchema,
  workspaces: z.array(workspaceSummarySchema),
});
export type Me = z.infer<typeof meSchema>;

export const bootstrapStatusSchema = z.object({ needed: z.boolean() });

export const bootstrapRequestSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema.optional(),
  workspace_name: nameSchema.default('Default'),
});
export type BootstrapRequest = z.input<typeof bootstrapRequestSchema>;

export const loginRequestSchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, 'must not be empty').max(1024),
});
export type LoginRequest = z.input<typeof loginRequestSchema>;

export const tokenNameSchema = z.string().trim().min(1).max(100);

export const sessionSchema = z.object({ user: userSchema, expires_at: timestampSchema });

/** What a browser needs before it renders anything: set-up, login, or the caller (never a 401). */
export const sessionStateSchema = z.object({ bootstrap_needed: z.boolean(), me: meSchema.nullable() });
export type SessionState = z.infer<typeof sessionStateSchema>;

/** Exchange email/password for a CLI bearer token. */
export const cliLoginRequestSchema = loginRequestSchema.extend({ name: tokenNameSchema.default('cli') });
export type CliLoginRequest = z.input<typeof cliLoginRequestSchema>;

export const createTokenRequestSchema = z.strictObject({
  name: tokenNameSchema,
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenRequest = z.input<typeof createTokenRequestSchema>;

export const tokenSchema = z.object({
  id: idSchema,
  name: z.string(),
  kind: z.enum(['cli', 'session']),
  created_at: timestampSchema,
  last_used_at: timestampSchema.nullable(),
  expires_at: timestampSchema.nullable(),
  current: z.boolean(),
});
export type Token = z.infer<typeof tokenSchema>;

export const createdTokenSchema = tokenSchema.extend({
  token: z.string().describe('The bearer token; shown once, stored hashed'),
});
export type CreatedToken = z.infer<typeof createdTokenSchema>;

export const createUserRequestSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema.optional(),
  role: roleSchema.default('MEMBER'),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;
