import { blob, index, integer, primaryKey, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';
import { workspaces } from './accounts.js';
import { agents } from './crews.js';

/** Encrypted credential values (AES-256-GCM); `key_id` names the ENCRYPTION_KEY a row is sealed under. */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['API_KEY', 'OAUTH_TOKEN', 'SECRET'] }).notNull(),
    provider: text('provider', {
      enum: ['anthropic', 'openai', 'google', 'cursor', 'factory', 'openrouter', 'xai', 'groq', 'generic'],
    }).notNull(),
    priority: integer('priority').notNull(),
    keyId: text('key_id').notNull(),
    nonce: blob('nonce', { mode: 'buffer' }).notNull(),
    ciphertext: blob('ciphertext', { mode: 'buffer' }).notNull(),
    last4: text('last4').notNull(),
    cooldownUntil: text('cooldown_until'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    rotatedAt: text('rotated_at'),
  },
  (table) => [
    unique('credentials_workspace_name').on(table.workspaceId, table.name),
    index('credentials_workspace_provider').on(table.workspaceId, table.provider),
  ],
);

export const credentialAgents = sqliteTable(
  'credential_agents',
  {
    credentialId: text('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.credentialId, table.agentId] }),
    index('credential_agents_agent').on(table.agentId),
  ],
);
