import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgentRequestSchema,
  createCrewRequestSchema,
  updateAgentRequestSchema,
  type WorkspaceContext,
} from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCrewServices } from '../src/index.js';

let directory: string;
let database: CrewshipDatabase;
let services: ReturnType<typeof createSqliteCrewServices>;
const teamA: WorkspaceContext = { userId: 'u', workspaceId: 'wa', role: 'OWNER' };
const teamB: WorkspaceContext = { userId: 'u', workspaceId: 'wb', role: 'OWNER' };

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'crewship-crews-'));
  database = createDatabase({ file: join(directory, 'crewship.db') });
  migrate(database.sqlite);
  const insert = database.sqlite.prepare(
    "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')",
  );
  insert.run('wa', 'A', 'a');
  insert.run('wb', 'B', 'b');
  services = createSqliteCrewServices(database);
});

afterEach(() => {
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

const crewInput = (name: string) => createCrewRequestSchema.parse({ name });
const agentInput = (crew: string, name: string) => createAgentRequestSchema.parse({ crew, name });

describe('crew and agent records', () => {
  it('allows the same slug in two workspaces and keeps each scoped', async () => {
    const a = await services.crews.create(teamA, crewInput('Builders'));
    const b = await services.crews.create(teamB, crewInput('Builders'));
    expect(a.slug).toBe(b.slug);
    await expect(services.crews.get(teamB, a.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect((await services.crews.get(teamB, 'builders')).id).toBe(b.id);
    expect(services.allCrewIds().sort()).toEqual([a.id, b.id].sort());
    expect(services.allWorkspaceIds().sort()).toEqual(['wa', 'wb']);
  });

  it('moves an agent to another crew and filters agents by crew', async () => {
    await services.crews.create(teamA, crewInput('One'));
    await services.crews.create(teamA, crewInput('Two'));
    const agent = await services.agents.create(teamA, agentInput('one', 'Ada'));
    expect(agent.crew_slug).toBe('one');
    const moved = await services.agents.update(teamA, 'ada', updateAgentRequestSchema.parse({ crew: 'two' }));
    expect(moved.crew_slug).toBe('two');
    expect(await services.agents.list(teamA, { crew: 'one' })).toEqual([]);
    expect((await services.agents.list(teamA, { crew: 'two' })).map((item) => item.slug)).toEqual(['ada']);
    await expect(services.agents.list(teamA, { crew: 'three' })).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('deletes the agents of a deleted crew, and everything of a deleted workspace', async () => {
    await services.crews.create(teamA, crewInput('Doomed'));
    await services.agents.create(teamA, agentInput('doomed', 'Gone'));
    await services.crews.delete(teamA, 'doomed');
    expect(await services.agents.list(teamA, {})).toEqual([]);
    await services.crews.create(teamB, crewInput('Kept'));
    await services.agents.create(teamB, agentInput('kept', 'Stays'));
    database.sqlite.prepare("DELETE FROM workspaces WHERE id = 'wb'").run();
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM agents').get()).toEqual({ n: 0 });
  });

  it('refuses an agent in a crew of another workspace', async () => {
    const foreign = await services.crews.create(teamB, crewInput('Foreign'));
    await expect(services.agents.create(teamA, agentInput(foreign.id, 'Spy'))).rejects.toMatchObject({
      kind: 'not_found',
    });
  });
});
