import { execFile } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { silentLogger } from '@crewship/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { createNpmAgentToolsInstaller, DEFAULT_AGENT_TOOL_VERSIONS } from '../src/index.js';

const run = promisify(execFile);

// Shared between runs on purpose: the first run installs from npm, later ones check the no-op path.
const toolsDir = join(tmpdir(), 'crewship-test-tools-cache');
// Gemini CLI installs fastest (about 6 s, against 7-10 s for the others) and runs on the copied node.
const version = DEFAULT_AGENT_TOOL_VERSIONS.gemini;
const home = mkdtempSync(join(tmpdir(), 'crewship-agent-tools-home-'));
// A PATH with `dirname` (the shim needs it) but no node: the shim must use the copied one.
const path = join(home, 'path');
mkdirSync(path);
symlinkSync('/usr/bin/dirname', join(path, 'dirname'));

afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Every directory 0755 and every file readable by others, as UID 1001 in the container needs. */
function unreadableByOthers(path: string): string[] {
  const info = lstatSync(path);
  if (info.isSymbolicLink()) return [];
  if (info.isDirectory()) {
    const own = (info.mode & 0o005) === 0o005 ? [] : [path];
    return [...own, ...readdirSync(path).flatMap((entry) => unreadableByOthers(join(path, entry)))];
  }
  return (info.mode & 0o004) === 0o004 ? [] : [path];
}

describe('npm agent tools installer against the real npm registry', () => {
  const installer = createNpmAgentToolsInstaller({ toolsDir, logger: silentLogger });

  it('installs gemini from npm and runs it with the copied node', { timeout: 300_000 }, async () => {
    const lines: string[] = [];
    const [tool] = await installer.install(['gemini'], (line) => lines.push(line));
    expect(tool).toMatchObject({ name: 'gemini', package: '@google/gemini-cli', version, installed: true });

    const manifest = JSON.parse(readFileSync(join(toolsDir, 'manifest.json'), 'utf8'));
    expect(manifest.tools.gemini).toMatchObject({ package: '@google/gemini-cli', version });
    expect(manifest.node.version).toBe(process.version);
    expect(statSync(join(toolsDir, 'node', 'bin', 'node')).mode & 0o777).toBe(0o755);
    expect(statSync(join(toolsDir, 'bin', 'gemini')).mode & 0o777).toBe(0o755);
    expect(unreadableByOthers(join(toolsDir, 'packages', 'gemini'))).toEqual([]);

    const { stdout } = await run(join(toolsDir, 'bin', 'gemini'), ['--version'], {
      env: { PATH: path, HOME: home },
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe(version);
  });

  it('does nothing when installing again', { timeout: 120_000 }, async () => {
    const before = await installer.list();
    const packageDir = statSync(join(toolsDir, 'packages', 'gemini'));
    const lines: string[] = [];
    const [tool] = await installer.install(['gemini'], (line) => lines.push(line));
    await installer.ensureInstalled(['gemini'], (line) => lines.push(line));

    expect(lines).toEqual([`gemini ${version} is already installed`]);
    expect(tool).toEqual(before.find((entry) => entry.name === 'gemini'));
    expect(statSync(join(toolsDir, 'packages', 'gemini')).ino).toBe(packageDir.ino);
  });
});
