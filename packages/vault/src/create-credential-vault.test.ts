import type { CreateCredentialRequest, CredentialProvider } from '@crewship/contracts';
import { createCredentialRequestSchema } from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newKey, secretValue, seededDatabase, teamA, teamB } from '../test/fixtures.js';
import { createCredentialVault, type SqliteCredentialVault } from './create-credential-vault.js';

let database: CrewshipDatabase;
let vault: SqliteCredentialVault;
let clock: Date;

const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const input = (name: string, extra: Partial<CreateCredentialRequest> = {}) =>
  createCredentialRequestSchema.parse({ name, provider: 'anthropic', value: secretValue(name), ...extra });

beforeEach(() => {
  database = seededDatabase();
  clock = new Date('2030-01-01T00:00:00.000Z');
  vault = createCredentialVault({
    db: database,
    encryptionKey: newKey(),
    now: () => clock,
    cooldownMs: 60_000,
  });
});

afterEach(() => {
  database.close();
});

/** Names picked by `count` selections for ada. */
async function picks(count: number, agentId = 'agent-ada', provider: CredentialProvider = 'anthropic') {
  const names: (string | null)[] = [];
  for (let index = 0; index < count; index++) {
    names.push((await vault.select('wa', agentId, provider))?.credential.name ?? null);
  }
  return names;
}

describe('records', () => {
  it('creates, reads by id or name, updates, rotates and deletes, never showing the value', async () => {
    const value = secretValue('main');
    const created = await vault.create(
      teamA,
      createCredentialRequestSchema.parse({ name: 'main', provider: 'openai', value }),
    );
    expect(created).toMatchObject({
      workspace_id: 'wa',
      name: 'main',
      type: 'API_KEY',
      provider: 'openai',
      priority: 0,
      last4: value.slice(-4),
      agent_ids: [],
      cooldown_until: null,
      rotated_at: null,
    });
    expect(JSON.stringify(created)).not.toContain(value.slice(0, -4));
    expect(await vault.get(teamA, 'main')).toEqual(created);
    expect(await vault.get(teamA, created.id)).toEqual(created);

    advance(1000);
    const updated = await vault.update(teamA, 'main', { name: 'primary', priority: 5 });
    expect(updated).toMatchObject({ name: 'primary', priority: 5, updated_at: clock.toISOString() });

    const rotatedValue = secretValue('rotated');
    const rotated = await vault.rotate(teamA, 'primary', `  ${rotatedValue}\n`);
    expect(rotated).toMatchObject({ last4: rotatedValue.slice(-4), rotated_at: clock.toISOString() });
    expect((await vault.select('wa', 'agent-ada', 'openai'))?.value).toBe(rotatedValue);
    expect(await vault.secretValues('wa')).toEqual([rotatedValue]);

    await vault.delete(teamA, created.id);
    await expect(vault.get(teamA, created.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect(await vault.list(teamA)).toEqual([]);
  });

  it('keeps names unique per workspace (409) and every lookup inside the workspace (404)', async () => {
    const a = await vault.create(teamA, input('shared'));
    await expect(vault.create(teamA, input('shared'))).rejects.toMatchObject({
      kind: 'conflict',
      message: 'a credential named "shared" already exists in this workspace',
    });
    const b = await vault.create(teamB, input('shared'));
    await vault.create(teamA, input('other'));
    await expect(vault.update(teamA, 'other', { name: 'shared' })).rejects.toMatchObject({
      kind: 'conflict',
    });

    for (const attempt of [
      () => vault.get(teamB, a.id),
      () => vault.update(teamB, a.id, { priority: 1 }),
      () => vault.rotate(teamB, a.id, secretValue('x')),
      () => vault.delete(teamB, a.id),
      () => vault.assign(teamB, a.id, ['cyd']),
      () => vault.assign(teamA, a.id, ['cyd']),
      () => vault.assign(teamA, a.id, ['agent-cyd']),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ kind: 'not_found' });
    }
    expect((await vault.get(teamB, 'shared')).id).toBe(b.id);
    expect((await vault.list(teamA)).map((item) => item.name)).toEqual(['other', 'shared']);
    expect(await vault.secretValues('wb')).toHaveLength(1);
  });

  it('validates input again at its own boundary, without echoing the value', async () => {
    const value = `${secretValue('nul')}\0tail`;
    const error = await vault
      .create(teamA, { name: 'bad', type: 'API_KEY', provider: 'anthropic', priority: 0, value })
      .catch((caught: Error) => caught);
    expect(error).toMatchObject({ kind: 'invalid_input' });
    expect((error as Error).message).toContain('NUL');
    expect((error as Error).message).not.toContain(value.slice(0, 20));
    await expect(vault.rotate(teamA, 'x', '   ')).rejects.toMatchObject({ kind: 'invalid_input' });
  });

  it('assigns agents by id or slug, all or nothing, and unassigns them', async () => {
    const credential = await vault.create(teamA, input('key'));
    const assigned = await vault.assign(teamA, 'key', ['ada', 'agent-bob', 'ada']);
    expect(assigned.agent_ids).toEqual(['agent-ada', 'agent-bob']);
    expect((await vault.assign(teamA, credential.id, ['bob'])).agent_ids).toEqual(['agent-ada', 'agent-bob']);
    await expect(vault.unassign(teamA, 'key', ['bob', 'nobody'])).rejects.toMatchObject({
      kind: 'not_found',
      message: 'agent "nobody" not found',
    });
    expect((await vault.get(teamA, 'key')).agent_ids).toEqual(['agent-ada', 'agent-bob']);
    expect((await vault.unassign(teamA, 'key', ['bob'])).agent_ids).toEqual(['agent-ada']);
    expect((await vault.list(teamA))[0]?.agent_ids).toEqual(['agent-ada']);
  });

  it('drops assignments when the agent or the credential goes (foreign keys cascade)', async () => {
    await vault.create(teamA, input('key'));
    await vault.assign(teamA, 'key', ['ada', 'bob']);
    database.sqlite.prepare("DELETE FROM agents WHERE id = 'agent-bob'").run();
    expect((await vault.get(teamA, 'key')).agent_ids).toEqual(['agent-ada']);
    await vault.delete(teamA, 'key');
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM credential_agents').get()).toEqual({ n: 0 });
  });
});

describe('selection', () => {
  it('takes the highest priority and rotates among equals', async () => {
    await vault.create(teamA, input('low', { priority: 1 }));
    await vault.create(teamA, input('high-1', { priority: 10 }));
    await vault.create(teamA, input('high-2', { priority: 10 }));
    await vault.create(teamA, input('high-3', { priority: 10 }));
    await vault.create(teamA, input('other-provider', { priority: 99, provider: 'openai' }));
    const names = await picks(6);
    expect(names.slice(0, 3).sort()).toEqual(['high-1', 'high-2', 'high-3']);
    expect(names.slice(3)).toEqual(names.slice(0, 3));
    // Each (agent, provider) has its own turn.
    expect((await picks(1, 'agent-bob'))[0]).toBe(names[0]);
  });

  it('returns the plaintext value of the chosen credential', async () => {
    const value = secretValue('only');
    await vault.create(
      teamA,
      createCredentialRequestSchema.parse({ name: 'only', provider: 'google', value }),
    );
    const selected = await vault.select('wa', 'agent-ada', 'google');
    expect(selected?.value).toBe(value);
    expect(selected?.credential.name).toBe('only');
    expect(await vault.select('wa', 'agent-ada', 'xai')).toBeNull();
    expect(await vault.select('wb', 'agent-cyd', 'google')).toBeNull();
  });

  it('reveals a credential by id or name only to an agent it is assigned to, never from the pool', async () => {
    const githubInput = input('github', { provider: 'generic', type: 'SECRET' });
    const github = await vault.create(teamA, githubInput);
    await vault.create(teamA, input('pool', { provider: 'generic' }));
    await vault.create(teamB, input('github', { provider: 'generic' }));
    await vault.assign(teamA, 'github', ['ada']);
    expect(await vault.reveal('wa', 'agent-ada', 'github')).toMatchObject({
      credential: { id: github.id, name: 'github' },
      value: githubInput.value,
    });
    expect((await vault.reveal('wa', 'agent-ada', github.id))?.value).toBe(githubInput.value);
    expect(await vault.reveal('wa', 'agent-bob', 'github')).toBeNull();
    expect(await vault.reveal('wa', 'agent-ada', 'pool')).toBeNull();
    expect(await vault.reveal('wb', 'agent-ada', 'github')).toBeNull();
    expect(await vault.reveal('wa', 'agent-ada', 'nope')).toBeNull();
  });

  it("prefers the agent's own credentials and falls back to the unassigned ones", async () => {
    await vault.create(teamA, input('pool', { priority: 50 }));
    await vault.create(teamA, input('adas', { priority: 1 }));
    await vault.create(teamA, input('bobs', { priority: 100 }));
    await vault.assign(teamA, 'adas', ['ada']);
    await vault.assign(teamA, 'bobs', ['bob']);
    expect(await picks(3)).toEqual(['adas', 'adas', 'adas']);
    expect(await picks(2, 'agent-bob')).toEqual(['bobs', 'bobs']);
    await vault.create(teamB, input('cyds-pool'));
    expect((await vault.select('wb', 'agent-cyd', 'anthropic'))?.credential.name).toBe('cyds-pool');
    // An agent without credentials of its own gets the pool; assigned ones of others stay theirs.
    await vault.unassign(teamA, 'adas', ['ada']);
    await vault.delete(teamA, 'adas');
    expect(await picks(2)).toEqual(['pool', 'pool']);
  });

  it('skips credentials cooling down after 401/429 until the cooldown ends', async () => {
    const first = await vault.create(teamA, input('first', { priority: 10 }));
    await vault.create(teamA, input('second', { priority: 5 }));
    expect(await picks(2)).toEqual(['first', 'first']);

    await vault.reportFailure(first.id, 500);
    expect(await picks(1)).toEqual(['first']);
    await vault.reportFailure(first.id, 429);
    expect((await vault.get(teamA, 'first')).cooldown_until).toBe('2030-01-01T00:01:00.000Z');
    expect(await picks(2)).toEqual(['second', 'second']);
    advance(59_999);
    expect(await picks(1)).toEqual(['second']);
    advance(1);
    expect(await picks(1)).toEqual(['first']);
    expect((await vault.get(teamA, 'first')).cooldown_until).toBeNull();
    await vault.reportFailure('no-such-credential', 401);
  });

  it('keeps rotating over the equals that are not cooling down', async () => {
    const one = await vault.create(teamA, input('one'));
    await vault.create(teamA, input('two'));
    await vault.create(teamA, input('three'));
    await vault.reportFailure(one.id, 401);
    const names = await picks(4);
    expect(names).not.toContain('one');
    expect(new Set(names)).toEqual(new Set(['two', 'three']));
    expect(names[0]).not.toBe(names[1]);
  });

  it('when all cool down, returns the one whose cooldown ends first rather than nothing', async () => {
    const a = await vault.create(teamA, input('a', { priority: 10 }));
    const b = await vault.create(teamA, input('b', { priority: 1 }));
    await vault.reportFailure(a.id, 401);
    advance(10_000);
    await vault.reportFailure(b.id, 429);
    expect(await picks(2)).toEqual(['a', 'a']);
    advance(51_000);
    expect(await picks(1)).toEqual(['a']);
    await vault.reportFailure(a.id, 429);
    expect(await picks(1)).toEqual(['b']);
  });

  it('rotating a value ends its cooldown', async () => {
    const only = await vault.create(teamA, input('only'));
    await vault.reportFailure(only.id, 401);
    expect((await vault.get(teamA, 'only')).cooldown_until).not.toBeNull();
    expect((await vault.rotate(teamA, 'only', secretValue('new'))).cooldown_until).toBeNull();
  });
});
