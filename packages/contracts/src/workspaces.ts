import { z } from 'zod';
import { emailSchema, idSchema, nameSchema, slugSchema, timestampSchema } from './common.js';
import { roleSchema } from './roles.js';

export const workspaceSchema = z.object({
  id: idSchema,
  name: z.string(),
  slug: z.string(),
  role: roleSchema.describe("The caller's role in this workspace"),
  created_at: timestampSchema,
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const createWorkspaceRequestSchema = z.strictObject({
  name: nameSchema,
  slug: slugSchema.optional(),
});
export type CreateWorkspaceRequest = z.input<typeof createWorkspaceRequestSchema>;

export const updateWorkspaceRequestSchema = z
  .strictObject({ name: nameSchema.optional(), slug: slugSchema.optional() })
  .refine((value) => Object.keys(value).length > 0, 'must change at least one field');
export type UpdateWorkspaceRequest = z.input<typeof updateWorkspaceRequestSchema>;

export const memberSchema = z.object({
  user_id: idSchema,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  created_at: timestampSchema,
});
export type Member = z.infer<typeof memberSchema>;

export const addMemberRequestSchema = z.strictObject({ email: emailSchema, role: roleSchema });
export type AddMemberRequest = z.input<typeof addMemberRequestSchema>;

export const updateMemberRequestSchema = z.strictObject({ role: roleSchema });
export type UpdateMemberRequest = z.input<typeof updateMemberRequestSchema>;
