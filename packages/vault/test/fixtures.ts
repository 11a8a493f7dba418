import { randomBytes } from 'node:crypto';
import type { WorkspaceContext } from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';

export const teamA: WorkspaceContext = { userId: 'u', workspaceId: 'wa', role: 'OWNER' };
export const teamB: WorkspaceContext = { userId: 'u', workspaceId: 'wb', role: 'OWNER' };

export const newKey = () => new Uint8Array(randomBytes(32));

/** A migrated database with workspaces wa and wb, agents ada and bob in wa and cyd in wb. */
export function seededDatabase(file = ':memory:'): CrewshipDatabase {
  const database = createDatabase({ file });
  migrate(database.sqlite);
  const workspace = database.sqlite.prepare(
    "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')",
  );
  workspace.run('wa', 'A', 'a');
  workspace.run('wb', 'B', 'b');
  const crew = database.sqlite.prepare(
    "INSERT INTO crews (id, workspace_id, name, slug, runtime_image, network_mode, memory_mb, cpus, created_at, updated_at) VALUES (?, ?, ?, ?, 'img', 'restricted', 1024, 1, 'now', 'now')",
  );
  crew.run('crew-a', 'wa', 'Crew A', 'crew-a');
  crew.run('crew-b', 'wb', 'Crew B', 'crew-b');
  const agent = database.sqlite.prepare(
    "INSERT INTO agents (id, workspace_id, crew_id, name, slug, role, cli_adapter, tool_profile, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'MEMBER', 'CLAUDE_CODE', 'CODING', 'now', 'now')",
  );
  agent.run('agent-ada', 'wa', 'crew-a', 'Ada', 'ada');
  agent.run('agent-bob', 'wa', 'crew-a', 'Bob', 'bob');
  agent.run('agent-cyd', 'wb', 'crew-b', 'Cyd', 'cyd');
  return database;
}

/** A value long enough to show last4, distinctive enough to search for in bytes. */
export function secretValue(label: string): string {
  return `sk-test-${label}-${randomBytes(18).toString('hex')}`;
}
