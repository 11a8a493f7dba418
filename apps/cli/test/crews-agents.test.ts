import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent, Crew, Member, Workspace } from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliUser,
  cliUser,
  initOwner,
  parseJson,
  removeTemporaryDirectories,
  startTestServer,
  type TestServer,
  temporaryDirectory,
} from './cli-harness.js';

let server: TestServer;
let owner: CliUser;

beforeAll(async () => {
  server = await startTestServer();
  owner = cliUser(server.url, 'owner');
  await initOwner(owner);
});

afterAll(async () => {
  await server?.close();
  removeTemporaryDirectories();
});

describe('crews', () => {
  it('creates, lists, gets, updates and deletes a crew in human form', async () => {
    const created = await owner.run([
      'crew',
      'create',
      'Web Team',
      '--description',
      'Builds the site',
      '--network',
      'free',
      '--allow-domain',
      'github.com',
      '--allow-domain',
      '*.npmjs.org',
      '--memory-mb',
      '1024',
      '--cpus',
      '1.5',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^slug:\s+web-team$/m);
    expect(created.stdout).toMatch(/^network_mode:\s+free$/m);
    expect(created.stdout).toMatch(/^allowed_domains:\s+github\.com, \*\.npmjs\.org$/m);

    const list = await owner.run(['crew', 'list']);
    expect(list.code).toBe(0);
    const [header, row] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^SLUG\s+NAME\s+NETWORK\s+IMAGE\s+MEMORY MB\s+CPUS\s+ID$/);
    expect(row).toMatch(/^web-team\s+Web Team\s+free\s+debian:bookworm-slim\s+1024\s+1\.5\s+\S+$/);
    // Columns line up: every cell of the row starts where its header starts.
    expect(row?.indexOf('Web Team')).toBe(header?.indexOf('NAME'));

    const got = await owner.run(['crew', 'get', 'web-team']);
    expect(got.stdout).toMatch(/^description:\s+Builds the site$/m);

    const updated = await owner.run([
      'crew',
      'update',
      'web-team',
      '--name',
      'Web Crew',
      '--network',
      'RESTRICTED',
    ]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/^name:\s+Web Crew$/m);
    expect(updated.stdout).toMatch(/^network_mode:\s+restricted$/m);

    const refused = await owner.run(['crew', 'delete', 'web-team']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const deleted = await owner.run(['crew', 'delete', 'web-team', '--yes']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('Deleted crew web-team.\n');
    const gone = await owner.run(['crew', 'get', 'web-team']);
    expect(gone.code).toBe(5);
    expect(gone.stderr).toBe('crewship: crew "web-team" not found\n');
    expect((await owner.run(['crew', 'list'])).stdout).toMatch(/^No crews yet/);
  });

  it('prints raw JSON documents with --json', async () => {
    const created = parseJson<Crew>(await owner.run(['--json', 'crew', 'create', 'Data', '--slug', 'data']));
    expect(created).toMatchObject({
      slug: 'data',
      network_mode: 'restricted',
      allowed_domains: [],
      memory_mb: 2048,
    });
    const list = parseJson<Crew[]>(await owner.run(['crew', 'list', '--json']));
    expect(list.map((crew) => crew.id)).toEqual([created.id]);
    const got = parseJson<Crew>(await owner.run(['crew', 'get', created.id, '--json']));
    expect(got).toEqual(created);
    const updated = parseJson<Crew>(
      await owner.run(['crew', 'update', 'data', '--allow-domain', 'Example.COM.', '--cpus', '4', '--json']),
    );
    expect(updated).toMatchObject({ allowed_domains: ['example.com'], cpus: 4 });
    const deleted = parseJson(await owner.run(['crew', 'delete', 'data', '--yes', '--json']));
    expect(deleted).toEqual({ deleted: true, crew: 'data' });
  });

  it('explains invalid input with the field and the valid values (exit 2)', async () => {
    const network = await owner.run(['crew', 'create', 'Open', '--network', 'open']);
    expect(network.code).toBe(2);
    expect(network.stderr).toMatch(
      /^crewship: .*network_mode: Invalid option: expected one of "restricted"\|"free"\n$/,
    );

    const slug = await owner.run(['crew', 'create', 'Bad', '--slug', 'Bad Slug!']);
    expect(slug.code).toBe(2);
    expect(slug.stderr).toMatch(/^crewship: .*slug: must be 1-48 characters of a-z, 0-9 and "-"/);

    const domain = await owner.run(['crew', 'create', 'Bad', '--allow-domain', 'https://x.com/path']);
    expect(domain.code).toBe(2);
    expect(domain.stderr).toContain('allowed_domains.0: must be a domain name');

    const memory = await owner.run(['crew', 'create', 'Bad', '--memory-mb', 'lots']);
    expect(memory.code).toBe(2);
    expect(memory.stderr).toBe(
      "crewship: option '--memory-mb <mb>' argument 'lots' is invalid. must be a number.\n",
    );

    const nothing = await owner.run(['crew', 'create', 'Same']);
    expect(nothing.code).toBe(0);
    const duplicate = await owner.run(['crew', 'create', 'Same']);
    expect(duplicate.code).toBe(6);
    expect(duplicate.stderr).toBe('crewship: a crew with slug "same" already exists in this workspace\n');
    expect((await owner.run(['crew', 'update', 'same'])).code).toBe(2);
  });
});

describe('agents', () => {
  it('creates agents in a crew, lists, updates and deletes them', async () => {
    expect((await owner.run(['crew', 'create', 'Platform'])).code).toBe(0);
    const personaFile = join(temporaryDirectory('persona'), 'reviewer.md');
    writeFileSync(personaFile, 'You review pull requests.\nBe kind.\n');

    const lead = await owner.run([
      'agent',
      'create',
      'Reviewer',
      '--crew',
      'platform',
      '--role',
      'lead',
      '--adapter',
      'codex-cli',
      '--model',
      'gpt-5',
      '--persona-file',
      personaFile,
      '--tool-profile',
      'full',
    ]);
    expect(lead.code).toBe(0);
    expect(lead.stdout).toMatch(/^role:\s+LEAD$/m);
    expect(lead.stdout).toMatch(/^cli_adapter:\s+CODEX_CLI$/m);
    expect(lead.stdout).toMatch(/^persona:\s+You review pull requests\.\n\s+Be kind\.$/m);

    const member = parseJson<Agent>(
      await owner.run([
        'agent',
        'create',
        'Coder',
        '--crew',
        'platform',
        '--persona',
        'Writes code',
        '--json',
      ]),
    );
    expect(member).toMatchObject({
      role: 'MEMBER',
      cli_adapter: 'CLAUDE_CODE',
      tool_profile: 'CODING',
      model: null,
    });

    const list = await owner.run(['agent', 'list', '--crew', 'platform']);
    expect(list.stdout).toMatch(/^SLUG\s+NAME\s+CREW\s+ROLE\s+ADAPTER\s+MODEL\s+TOOLS\s+ID$/m);
    expect(list.stdout).toMatch(/^reviewer\s+Reviewer\s+platform\s+LEAD\s+CODEX_CLI\s+gpt-5\s+FULL\s+\S+$/m);
    expect(list.stdout).toMatch(/^coder\s+Coder\s+platform\s+MEMBER\s+CLAUDE_CODE\s+-\s+CODING\s+\S+$/m);
    expect(parseJson<Agent[]>(await owner.run(['agent', 'list', '--json']))).toHaveLength(2);

    const updated = parseJson<Agent>(
      await owner.run(['agent', 'update', 'coder', '--adapter', 'GEMINI_CLI', '--name', 'Gem', '--json']),
    );
    expect(updated).toMatchObject({ name: 'Gem', cli_adapter: 'GEMINI_CLI', id: member.id });
    expect((await owner.run(['agent', 'get', member.id])).stdout).toMatch(/^name:\s+Gem$/m);

    expect((await owner.run(['agent', 'delete', 'coder'])).code).toBe(2);
    expect((await owner.run(['agent', 'delete', 'coder', '--yes'])).code).toBe(0);
    expect((await owner.run(['agent', 'get', 'coder'])).code).toBe(5);
  });

  it('lists the valid adapters for an unknown one and rejects unknown crews', async () => {
    const adapter = await owner.run(['agent', 'create', 'X', '--crew', 'platform', '--adapter', 'copilot']);
    expect(adapter.code).toBe(2);
    expect(adapter.stderr).toContain(
      'cli_adapter: Invalid option: expected one of "CLAUDE_CODE"|"CODEX_CLI"|"GEMINI_CLI"|"OPENCODE"|"CURSOR_CLI"|"FACTORY_DROID"',
    );
    const crew = await owner.run(['agent', 'create', 'X', '--crew', 'nowhere']);
    expect(crew.code).toBe(5);
    const both = await owner.run([
      'agent',
      'create',
      'X',
      '--crew',
      'platform',
      '--persona',
      'a',
      '--persona-file',
      'b',
    ]);
    expect(both.code).toBe(2);
    const missingCrew = await owner.run(['agent', 'create', 'X']);
    expect(missingCrew.code).toBe(2);
    expect(missingCrew.stderr).toBe("crewship: required option '--crew <ref>' not specified\n");
  });
});

describe('workspaces', () => {
  it('creates a workspace, switches to it with `use`, and scopes commands to it', async () => {
    const created = parseJson<Workspace>(
      await owner.run(['workspace', 'create', 'Research Lab', '--slug', 'research', '--json']),
    );
    expect(created).toMatchObject({ slug: 'research', role: 'OWNER' });

    const before = await owner.run(['workspace', 'list']);
    expect(before.stdout).toMatch(/^\*\s+default\s+Default\s+OWNER/m);

    const use = await owner.run(['workspace', 'use', 'research']);
    expect(use.code).toBe(0);
    expect(use.stdout).toBe('Now using workspace research (Research Lab) as OWNER.\n');
    const state = JSON.parse(readFileSync(join(owner.home, 'cli.json'), 'utf8'));
    expect(state.workspace).toBe(created.id);
    expect((await owner.run(['workspace', 'list'])).stdout).toMatch(/^\*\s+research\s+Research Lab\s+OWNER/m);
    expect((await owner.run(['whoami'])).stdout).toMatch(/^workspace:\s+research \(OWNER\)$/m);

    expect((await owner.run(['crew', 'create', 'Lab Crew'])).code).toBe(0);
    const here = parseJson<Crew[]>(await owner.run(['crew', 'list', '--json']));
    expect(here.map((crew) => crew.slug)).toEqual(['lab-crew']);
    const there = parseJson<Crew[]>(await owner.run(['--workspace', 'default', 'crew', 'list', '--json']));
    expect(there.map((crew) => crew.slug)).not.toContain('lab-crew');
    const viaEnvironment = parseJson<Crew[]>(
      await owner.run(['crew', 'list', '--json'], { env: { CREWSHIP_WORKSPACE: 'default' } }),
    );
    expect(viaEnvironment).toEqual(there);

    expect((await owner.run(['workspace', 'get'])).stdout).toMatch(/^slug:\s+research$/m);
    const renamed = parseJson<Workspace>(
      await owner.run(['workspace', 'update', 'research', '--name', 'Lab', '--json']),
    );
    expect(renamed.name).toBe('Lab');
    expect((await owner.run(['workspace', 'use', 'nowhere'])).code).toBe(5);

    expect((await owner.run(['workspace', 'delete', 'research'])).code).toBe(2);
    const deleted = await owner.run(['workspace', 'delete', 'research', '--yes']);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(readFileSync(join(owner.home, 'cli.json'), 'utf8')).workspace).toBe(null);
    expect((await owner.run(['workspace', 'get'])).stdout).toMatch(/^slug:\s+default$/m);
  });

  it('manages members: add, set-role, remove', async () => {
    const created = parseJson<Member>(
      await owner.run(
        ['user', 'create', '--email', 'kim@example.com', '--password-stdin', '--role', 'viewer', '--json'],
        {
          input: 'kim has a long password\n',
        },
      ),
    );
    expect(created.role).toBe('VIEWER');
    const other = parseJson<Workspace>(await owner.run(['workspace', 'create', 'Other', '--json']));
    const added = parseJson<Member>(
      await owner.run([
        '--workspace',
        other.slug,
        'workspace',
        'member',
        'add',
        '--email',
        'kim@example.com',
        '--role',
        'MANAGER',
        '--json',
      ]),
    );
    expect(added).toMatchObject({ user_id: created.user_id, role: 'MANAGER' });
    const again = await owner.run([
      '--workspace',
      other.slug,
      'workspace',
      'member',
      'add',
      '--email',
      'kim@example.com',
      '--role',
      'MEMBER',
    ]);
    expect(again.code).toBe(6);

    const list = await owner.run(['workspace', 'member', 'list', '--workspace', other.slug]);
    expect(list.stdout).toMatch(/^USER ID\s+EMAIL\s+NAME\s+ROLE\s+SINCE$/m);
    expect(list.stdout).toMatch(
      new RegExp(`^${created.user_id}\\s+kim@example\\.com\\s+\\S+\\s+MANAGER`, 'm'),
    );

    const changed = await owner.run([
      '--workspace',
      other.slug,
      'workspace',
      'member',
      'set-role',
      created.user_id,
      'admin',
    ]);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/^role:\s+ADMIN$/m);
    const badRole = await owner.run([
      '--workspace',
      other.slug,
      'workspace',
      'member',
      'set-role',
      created.user_id,
      'boss',
    ]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('expected one of "OWNER"|"ADMIN"|"MANAGER"|"MEMBER"|"VIEWER"');

    const removed = await owner.run([
      '--workspace',
      other.slug,
      'workspace',
      'member',
      'remove',
      created.user_id,
    ]);
    expect(removed.code).toBe(0);
    const after = parseJson<Member[]>(
      await owner.run(['--workspace', other.slug, 'workspace', 'member', 'list', '--json']),
    );
    expect(after.map((member) => member.email)).toEqual(['ada@example.com']);
  });
});
