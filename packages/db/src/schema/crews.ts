import { integer, real, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';
import { workspaces } from './accounts.js';

export const crews = sqliteTable(
  'crews',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description').notNull(),
    runtimeImage: text('runtime_image').notNull(),
    networkMode: text('network_mode', { enum: ['restricted', 'free'] }).notNull(),
    allowedDomains: text('allowed_domains', { mode: 'json' }).$type<string[]>().notNull(),
    memoryMb: integer('memory_mb').notNull(),
    cpus: real('cpus').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [unique('crews_workspace_slug').on(table.workspaceId, table.slug)],
);

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    crewId: text('crew_id')
      .notNull()
      .references(() => crews.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    role: text('role', { enum: ['LEAD', 'MEMBER'] }).notNull(),
    cliAdapter: text('cli_adapter', {
      enum: ['CLAUDE_CODE', 'CODEX_CLI', 'GEMINI_CLI', 'OPENCODE', 'CURSOR_CLI', 'FACTORY_DROID'],
    }).notNull(),
    model: text('model'),
    persona: text('persona').notNull(),
    toolProfile: text('tool_profile', { enum: ['MINIMAL', 'CODING', 'FULL'] }).notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [unique('agents_workspace_slug').on(table.workspaceId, table.slug)],
);
