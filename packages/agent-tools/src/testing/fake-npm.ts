import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CommandResult, RunCommand } from '../run-command.js';

export interface FakeNpmOptions {
  /** Version printed by the copied node's `--version`. */
  nodeVersion?: string;
  /** Packages whose command is a native executable (an ELF header) instead of a JavaScript file. */
  nativePackages?: readonly string[];
  /** Return stderr to make `npm install <spec>` fail with exit code 1. */
  fail?: (spec: string) => string | undefined;
  /** Return output to make `<command> --version` fail with exit code 1. */
  failStart?: (packageName: string) => string | undefined;
  /** Milliseconds each npm install takes. */
  delayMs?: number;
  /** Mode of the files npm creates, to imitate a restrictive umask. */
  fileMode?: number;
}

export interface FakeNpm {
  runCommand: RunCommand;
  /** Every `npm install` spec, in order. */
  installs: string[];
}

const ELF_HEADER = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);
const COMMANDS: Record<string, { command: string; entry: string }> = {
  '@anthropic-ai/claude-code': { command: 'claude', entry: 'bin/claude.exe' },
  '@openai/codex': { command: 'codex', entry: 'bin/codex.js' },
  '@google/gemini-cli': { command: 'gemini', entry: 'bundle/gemini.js' },
  'opencode-ai': { command: 'opencode', entry: './bin/opencode.exe' },
};

const done = (stdout: string, stderr = '', exitCode = 0): CommandResult => ({
  exitCode,
  signal: null,
  timedOut: false,
  stdout,
  stderr,
});

/**
 * A `RunCommand` that imitates `npm install --prefix DIR PKG@VERSION` for the four agent CLIs by
 * writing their package.json and command file, and answers `--version` without running anything.
 */
export function createFakeNpm(options: FakeNpmOptions = {}): FakeNpm {
  const installs: string[] = [];
  const native = new Set(options.nativePackages ?? ['@anthropic-ai/claude-code', 'opencode-ai']);
  const fileMode = options.fileMode ?? 0o644;

  const runCommand: RunCommand = async (command, args) => {
    if (args.at(-1) === '--version') {
      if (basename(command) === 'node' && args.length === 1)
        return done(`${options.nodeVersion ?? 'v20.99.0'}\n`);
      const entry = args.length === 1 ? command : (args[0] ?? '');
      const packageJson = await findPackageJson(entry);
      const failure = options.failStart?.(packageJson.name);
      if (failure !== undefined) return done('', failure, 1);
      return done(`${packageJson.version} (fake)\n`);
    }
    if (args[0] !== 'install') return done('', `fake npm does not know "${args.join(' ')}"`, 1);
    const prefix = args[args.indexOf('--prefix') + 1] ?? '';
    const spec = args.at(-1) ?? '';
    installs.push(spec);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const failure = options.fail?.(spec);
    if (failure !== undefined) return done('', `npm warn something\n${failure}`, 1);
    const at = spec.lastIndexOf('@');
    const name = spec.slice(0, at);
    const version = spec.slice(at + 1);
    const known = COMMANDS[name];
    if (!known) return done('', `npm error 404 Not Found - ${name}`, 1);
    const packageDir = join(prefix, 'node_modules', name);
    await mkdir(join(packageDir, dirname(known.entry)), { recursive: true, mode: 0o700 });
    await writeFile(
      join(packageDir, 'package.json'),
      JSON.stringify({ name, version, bin: { [known.command]: known.entry } }),
      { mode: fileMode },
    );
    const content = native.has(name) ? ELF_HEADER : Buffer.from('#!/usr/bin/env node\n');
    await writeFile(join(packageDir, known.entry), content, { mode: fileMode | 0o100 });
    await writeFile(join(prefix, 'package.json'), JSON.stringify({ dependencies: { [name]: version } }), {
      mode: fileMode,
    });
    return done(`\nadded 1 package in 0s\n`);
  };

  return { runCommand, installs };
}

async function findPackageJson(entry: string): Promise<{ name: string; version: string }> {
  for (let directory = dirname(entry); directory !== dirname(directory); directory = dirname(directory)) {
    try {
      return JSON.parse(await readFile(join(directory, 'package.json'), 'utf8'));
    } catch {}
  }
  throw new Error(`no package.json above ${entry}`);
}
