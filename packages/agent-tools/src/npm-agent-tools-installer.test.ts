import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AgentToolName, type CrewshipError, isCrewshipError, silentLogger } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_TOOL_VERSIONS } from './default-versions.js';
import {
  createNpmAgentToolsInstaller,
  type NpmAgentToolsInstallerOptions,
} from './npm-agent-tools-installer.js';
import { type RunCommand, spawnCommand } from './run-command.js';
import { describeAgentToolsInstallerContract } from './testing/agent-tools-installer-contract.js';
import { createFakeNpm, type FakeNpmOptions } from './testing/fake-npm.js';

const run = promisify(execFile);
const NOW = new Date('2030-01-02T03:04:05.000Z');
const CODEX = DEFAULT_AGENT_TOOL_VERSIONS.codex;

let directory: string;
let toolsDir: string;
let nodeBinary: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'crewship-agent-tools-'));
  toolsDir = join(directory, 'tools');
  nodeBinary = join(directory, 'fake-node');
  // Stands in for node: prints how it was called, so a shim can be run for real.
  writeFileSync(nodeBinary, '#!/bin/sh\necho "node $*"\n', { mode: 0o700 });
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function setup(npm: FakeNpmOptions = {}, overrides: Partial<NpmAgentToolsInstallerOptions> = {}) {
  const fake = createFakeNpm(npm);
  const installer = createNpmAgentToolsInstaller({
    toolsDir,
    nodeBinary,
    logger: silentLogger,
    runCommand: fake.runCommand,
    now: () => NOW,
    ...overrides,
  });
  return { installer, fake };
}

const mode = (path: string) => statSync(path).mode & 0o7777;
const read = (...parts: string[]) => readFileSync(join(toolsDir, ...parts), 'utf8');
const manifest = () => JSON.parse(read('manifest.json'));
const installedVersion = (name: AgentToolName, packageName: string) =>
  JSON.parse(read('packages', name, 'node_modules', packageName, 'package.json')).version;

async function rejection(promise: Promise<unknown>): Promise<CrewshipError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isCrewshipError(error)) throw new Error(`expected a CrewshipError, got ${String(error)}`);
  return error;
}

describeAgentToolsInstallerContract('npm (fake npm)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'crewship-agent-tools-contract-'));
  const node = join(root, 'node');
  writeFileSync(node, 'fake node');
  const fake = createFakeNpm();
  return {
    installer: createNpmAgentToolsInstaller({
      toolsDir: join(root, 'tools'),
      nodeBinary: node,
      logger: silentLogger,
      runCommand: fake.runCommand,
    }),
    versions: { ...DEFAULT_AGENT_TOOL_VERSIONS },
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describe('npm agent tools installer', () => {
  it('lays out node, packages and shims readable and runnable by every user', async () => {
    const { installer } = setup({ fileMode: 0o600 });
    await installer.install(['codex', 'claude-code']);

    for (const dir of [
      '',
      'bin',
      'node',
      'node/bin',
      'packages',
      'packages/codex/node_modules/@openai/codex/bin',
    ]) {
      expect([dir, mode(join(toolsDir, dir))]).toEqual([dir, 0o755]);
    }
    expect(read('node', 'bin', 'node')).toBe(readFileSync(nodeBinary, 'utf8'));
    expect(mode(join(toolsDir, 'node', 'bin', 'node'))).toBe(0o755);
    expect(mode(join(toolsDir, 'bin', 'codex'))).toBe(0o755);
    expect(mode(join(toolsDir, 'bin', 'claude'))).toBe(0o755);
    expect(mode(join(toolsDir, 'packages/codex/node_modules/@openai/codex/package.json'))).toBe(0o644);
    expect(mode(join(toolsDir, 'packages/codex/node_modules/@openai/codex/bin/codex.js'))).toBe(0o755);
    expect(readdirSync(join(toolsDir, '.staging'))).toEqual([]);
    expect(readdirSync(join(toolsDir, 'bin')).sort()).toEqual(['claude', 'codex']);
  });

  it('writes shims that find the tools root from their own path: node for scripts, direct for binaries', async () => {
    const { installer } = setup();
    await installer.install(['codex', 'claude-code', 'opencode']);

    expect(read('bin', 'codex')).toBe(
      [
        '#!/bin/sh',
        `# codex ${CODEX} (@openai/codex), installed by Crewship`,
        'root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)',
        'exec "$root/node/bin/node" "$root/packages/codex/node_modules/@openai/codex/bin/codex.js" "$@"',
        '',
      ].join('\n'),
    );
    expect(read('bin', 'claude')).toContain(
      '\nexec "$root/packages/claude-code/node_modules/@anthropic-ai/claude-code/bin/claude.exe" "$@"\n',
    );
    expect(read('bin', 'opencode')).toContain(
      '\nexec "$root/packages/opencode/node_modules/opencode-ai/bin/opencode.exe" "$@"\n',
    );
    expect(read('bin', 'codex')).not.toContain(toolsDir);
  });

  it('runs the copied node on the package entry when the shim is called through PATH', async () => {
    const { installer } = setup();
    await installer.install(['codex']);
    const { stdout } = await run('codex', ['--version', 'two words'], {
      env: { PATH: `${join(toolsDir, 'bin')}:/usr/bin:/bin` },
      cwd: directory,
    });
    expect(stdout.trim()).toBe(
      `node ${toolsDir}/packages/codex/node_modules/@openai/codex/bin/codex.js --version two words`,
    );
  });

  it('records tools and the node version in manifest.json', async () => {
    const { installer } = setup({ nodeVersion: 'v20.1.2' });
    await installer.install(['gemini']);
    expect(manifest()).toEqual({
      tools: {
        gemini: {
          package: '@google/gemini-cli',
          version: DEFAULT_AGENT_TOOL_VERSIONS.gemini,
          installed_at: NOW.toISOString(),
        },
      },
      node: { version: 'v20.1.2' },
    });
  });

  it('reports progress lines and returns the installed tools', async () => {
    const { installer } = setup();
    const lines: string[] = [];
    const tools = await installer.install(['codex'], (line) => lines.push(line));
    expect(tools).toEqual([
      {
        name: 'codex',
        package: '@openai/codex',
        version: CODEX,
        installed: true,
        installed_at: NOW.toISOString(),
        binary: 'codex',
      },
    ]);
    expect(lines[0]).toBe(`installed node v20.99.0 runtime from ${nodeBinary}`);
    expect(lines[1]).toBe(`installing codex (@openai/codex@${CODEX}) from npm…`);
    expect(lines[2]).toMatch(new RegExp(`^installed codex ${CODEX.replaceAll('.', '\\.')} in \\d+\\.\\d s$`));
  });

  it('is idempotent, also across installer instances, and recopies node only when it changed', async () => {
    const { installer, fake } = setup();
    await installer.install(['codex']);
    const other = createNpmAgentToolsInstaller({
      toolsDir,
      nodeBinary,
      logger: silentLogger,
      runCommand: fake.runCommand,
    });
    const lines: string[] = [];
    await other.install(['codex'], (line) => lines.push(line));
    await other.ensureInstalled(['codex']);
    expect(fake.installs).toEqual([`@openai/codex@${CODEX}`]);
    expect(lines).toEqual([`codex ${CODEX} is already installed`]);

    writeFileSync(nodeBinary, '#!/bin/sh\necho "newer node $*"\n');
    await other.install(['codex'], (line) => lines.push(line));
    expect(read('node', 'bin', 'node')).toContain('newer node');
    expect(lines).toContain(`installed node v20.99.0 runtime from ${nodeBinary}`);
  });

  it('serializes concurrent installs of one tool, in one process and across installers', async () => {
    const { installer, fake } = setup({ delayMs: 100 });
    const other = createNpmAgentToolsInstaller({
      toolsDir,
      nodeBinary,
      logger: silentLogger,
      runCommand: fake.runCommand,
    });
    await Promise.all([
      installer.install(['codex']),
      installer.install(['codex']),
      other.install(['codex']),
      other.ensureInstalled(['codex']),
    ]);
    expect(fake.installs).toEqual([`@openai/codex@${CODEX}`]);
  });

  it('keeps the previous installation when npm fails, and names the npm error', async () => {
    const { installer } = setup();
    await installer.install(['codex']);
    const shim = read('bin', 'codex');
    const before = manifest();

    const { installer: upgrade } = setup(
      {
        fail: () =>
          'npm error code ETARGET\nnpm error notarget No matching version found for @openai/codex@9.9.9.',
      },
      { versions: { codex: '9.9.9' } },
    );
    const error = await rejection(upgrade.install(['codex']));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('npm could not install codex (@openai/codex@9.9.9): ');
    expect(error.message).toContain('No matching version found for @openai/codex@9.9.9.');

    expect(installedVersion('codex', '@openai/codex')).toBe(CODEX);
    expect(read('bin', 'codex')).toBe(shim);
    expect(manifest()).toEqual(before);
    expect(readdirSync(join(toolsDir, '.staging'))).toEqual([]);
    expect((await installer.list()).find((tool) => tool.name === 'codex')?.installed).toBe(true);
    expect((await upgrade.list()).find((tool) => tool.name === 'codex')).toMatchObject({
      version: '9.9.9',
      installed: false,
      installed_at: null,
    });
  });

  it('keeps the previous installation when the new CLI does not start', async () => {
    const { installer } = setup();
    await installer.install(['codex']);
    const { installer: upgrade } = setup(
      { failStart: () => 'Error: Cannot find module codex-linux-x64' },
      { versions: { codex: '9.9.9' } },
    );
    const error = await rejection(upgrade.install(['codex']));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('codex 9.9.9 was installed from npm but `codex --version` failed');
    expect(error.message).toContain('Cannot find module codex-linux-x64');
    expect(installedVersion('codex', '@openai/codex')).toBe(CODEX);
    expect(readdirSync(join(toolsDir, '.staging'))).toEqual([]);
  });

  it('replaces an installed tool when its pinned version changes', async () => {
    const { installer } = setup();
    await installer.install(['codex']);
    const { installer: upgrade, fake } = setup({}, { versions: { codex: '9.9.9' } });
    const [tool] = await upgrade.install(['codex']);
    expect(tool).toMatchObject({ version: '9.9.9', installed: true });
    expect(fake.installs).toEqual(['@openai/codex@9.9.9']);
    expect(installedVersion('codex', '@openai/codex')).toBe('9.9.9');
    expect(manifest().tools.codex.version).toBe('9.9.9');
    expect(read('bin', 'codex')).toContain('# codex 9.9.9 ');
    expect(readdirSync(join(toolsDir, '.staging'))).toEqual([]);
    expect((await installer.list()).find((t) => t.name === 'codex')?.installed).toBe(false);
  });

  it('reinstalls a tool whose directory disappeared or whose manifest is unreadable', async () => {
    const { installer, fake } = setup();
    await installer.install(['codex', 'gemini']);
    rmSync(join(toolsDir, 'packages', 'codex'), { recursive: true });
    writeFileSync(join(toolsDir, 'manifest.json'), '{not json');
    expect((await installer.list()).every((tool) => !tool.installed)).toBe(true);
    await installer.ensureInstalled(['codex']);
    expect(fake.installs.filter((spec) => spec.startsWith('@openai/codex'))).toHaveLength(2);
    expect(manifest().tools.codex.version).toBe(CODEX);
  });

  it('rewrites an outdated shim and reinstalls a damaged package when asked to install again', async () => {
    const { installer, fake } = setup();
    await installer.install(['codex', 'gemini']);
    const shim = read('bin', 'codex');
    writeFileSync(join(toolsDir, 'bin', 'codex'), '#!/bin/sh\nexec node old-layout.js "$@"\n');
    rmSync(join(toolsDir, 'packages/gemini/node_modules/@google/gemini-cli/bundle'), { recursive: true });
    await installer.install(['codex', 'gemini']);
    expect(read('bin', 'codex')).toBe(shim);
    expect(mode(join(toolsDir, 'bin', 'codex'))).toBe(0o755);
    expect(fake.installs.map((spec) => spec.split('@')[1])).toEqual([
      'openai/codex',
      'google/gemini-cli',
      'google/gemini-cli',
    ]);
    expect(read('packages/gemini/node_modules/@google/gemini-cli/bundle/gemini.js')).toContain('node');
  });

  it('takes over a lock file left by a dead process and waits for a live one', async () => {
    const { installer } = setup();
    mkdirSync(join(toolsDir, '.locks'), { recursive: true });
    writeFileSync(join(toolsDir, '.locks', 'codex.lock'), JSON.stringify({ pid: 2 ** 22 + 12_345 }));
    await installer.install(['codex']);
    expect(readdirSync(join(toolsDir, '.locks'))).toEqual([]);

    writeFileSync(join(toolsDir, '.locks', 'gemini.lock'), JSON.stringify({ pid: process.pid }));
    const { installer: impatient } = setup({}, { lockTimeoutMs: 300 });
    const error = await rejection(impatient.install(['gemini']));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('another installation');
  });

  it('reports a missing npm as unavailable', async () => {
    const fake = createFakeNpm();
    const runCommand: RunCommand = async (command, args, options) => {
      if (command === 'npm-that-is-missing') {
        throw Object.assign(new Error('spawn npm-that-is-missing ENOENT'), { code: 'ENOENT' });
      }
      return fake.runCommand(command, args, options);
    };
    const { installer } = setup({}, { runCommand, npmCommand: 'npm-that-is-missing' });
    const error = await rejection(installer.install(['codex']));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('cannot run npm-that-is-missing: spawn npm-that-is-missing ENOENT');
  });

  it('rejects a package whose bin field lacks the command', async () => {
    const fake = createFakeNpm();
    const runCommand: RunCommand = async (command, args, options) => {
      const result = await fake.runCommand(command, args, options);
      if (args[0] === 'install') {
        const file = join(args[2] ?? '', 'node_modules', '@openai/codex', 'package.json');
        writeFileSync(
          file,
          JSON.stringify({ name: '@openai/codex', version: CODEX, bin: { other: 'x.js' } }),
        );
      }
      return result;
    };
    const { installer } = setup({}, { runCommand });
    const error = await rejection(installer.install(['codex']));
    expect(error.message).toBe(
      `npm installed @openai/codex@${CODEX} but its package.json has no "codex" command in "bin"`,
    );
    expect(readdirSync(join(toolsDir, 'packages'))).toEqual([]);
  });

  it('accepts only exact versions and known tools in its options', () => {
    for (const versions of [{ codex: 'latest' }, { codex: '^1.2.3' }, { cursor: '1.0.0' }]) {
      expect(() =>
        createNpmAgentToolsInstaller({
          toolsDir,
          logger: silentLogger,
          versions: versions as Partial<Record<AgentToolName, string>>,
        }),
      ).toThrow(/must be an exact version such as 1\.2\.3|unknown agent tool "cursor"/);
    }
    expect(
      createNpmAgentToolsInstaller({ toolsDir, logger: silentLogger, versions: { codex: '1.2.3-beta.1' } }),
    ).toBeTruthy();
  });

  it('fails clearly when the node runtime cannot be copied', async () => {
    const { installer } = setup({}, { nodeBinary: join(directory, 'no-such-node') });
    const error = await rejection(installer.install(['codex']));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain(`cannot copy the node runtime ${join(directory, 'no-such-node')}`);
  });
});

describe('spawnCommand', () => {
  it('streams lines and returns the exit code; a timeout kills the process group', async () => {
    const lines: string[] = [];
    const result = await spawnCommand('sh', ['-c', 'echo one; echo two >&2; printf three; exit 3'], {
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'one\nthree', stderr: 'two\n', timedOut: false });
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);

    const started = Date.now();
    const slow = await spawnCommand('sh', ['-c', 'sleep 30 & sleep 30; echo done'], { timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
