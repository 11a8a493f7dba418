import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AGENT_TOOLS,
  type AgentTool,
  type AgentToolName,
  type AgentToolsInstaller,
  type AgentToolsProgress,
  type AgentToolVersions,
  agentToolNameSchema,
  CrewshipError,
  type Logger,
  parseAgentToolVersions,
} from '@crewship/contracts';
import { AGENT_TOOL_PACKAGES } from './agent-tool-packages.js';
import { DEFAULT_AGENT_TOOL_VERSIONS } from './default-versions.js';
import { createLocks } from './file-lock.js';
import { type RunCommand, spawnCommand } from './run-command.js';
import { renderToolShim, type ToolShim } from './tool-shim.js';
import {
  readToolsManifest,
  type ToolsManifest,
  writeFileAtomically,
  writeToolsManifest,
} from './tools-manifest.js';

export interface NpmAgentToolsInstallerOptions {
  /** Host directory, usually `<dataDir>/tools`; mounted read-only at `/opt/crewship`. */
  toolsDir: string;
  /** Node runtime copied to `<toolsDir>/node/bin/node` for the JavaScript CLIs. */
  nodeBinary?: string;
  npmCommand?: string;
  /** Exact versions overriding `DEFAULT_AGENT_TOOL_VERSIONS` (from the server config). */
  versions?: AgentToolVersions;
  logger: Logger;
  runCommand?: RunCommand;
  /** How long to wait while another process installs the same tool. */
  lockTimeoutMs?: number;
  now?: () => Date;
}

const NPM_TIMEOUT_MS = 15 * 60 * 1000;
const VERSION_CHECK_TIMEOUT_MS = 60 * 1000;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Installs agent CLIs with npm into `<toolsDir>/packages/<name>` and puts shims in `<toolsDir>/bin`. */
export function createNpmAgentToolsInstaller(options: NpmAgentToolsInstallerOptions): AgentToolsInstaller {
  const toolsDir = resolve(options.toolsDir);
  const nodeBinary = options.nodeBinary ?? '/usr/bin/node';
  const npmCommand = options.npmCommand ?? 'npm';
  const runCommand = options.runCommand ?? spawnCommand;
  const lockTimeoutMs = options.lockTimeoutMs ?? NPM_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const logger = options.logger.child({ component: 'agent-tools' });
  const versions = pinnedVersions(options.versions);
  const withLock = createLocks();

  const paths = {
    bin: join(toolsDir, 'bin'),
    nodeHome: join(toolsDir, 'node'),
    nodeBin: join(toolsDir, 'node', 'bin'),
    node: join(toolsDir, 'node', 'bin', 'node'),
    packages: join(toolsDir, 'packages'),
    staging: join(toolsDir, '.staging'),
    locks: join(toolsDir, '.locks'),
    manifest: join(toolsDir, 'manifest.json'),
  };

  const readManifest = () => readToolsManifest(paths.manifest, logger);

  const updateManifest = (change: (manifest: ToolsManifest) => void) =>
    withLock(join(paths.locks, 'manifest.lock'), { timeoutMs: 60_000, pollMs: 50 }, async () => {
      const manifest = await readManifest();
      change(manifest);
      await writeToolsManifest(paths.manifest, manifest);
    });

  async function describe(name: AgentToolName, manifest: ToolsManifest): Promise<AgentTool> {
    const { package: packageName, command } = AGENT_TOOL_PACKAGES[name];
    const recorded = manifest.tools[name];
    const installed =
      recorded?.version === versions[name] &&
      recorded.package === packageName &&
      (await exists(join(paths.packages, name))) &&
      (await exists(join(paths.bin, command)));
    return {
      name,
      package: packageName,
      version: versions[name],
      installed,
      installed_at: installed ? recorded.installed_at : null,
      binary: command,
    };
  }

  async function ensureLayout(): Promise<void> {
    for (const directory of [toolsDir, paths.bin, paths.nodeHome, paths.nodeBin, paths.packages]) {
      await mkdir(directory, { recursive: true });
      await chmod(directory, 0o755);
    }
    for (const directory of [paths.staging, paths.locks]) {
      await mkdir(directory, { recursive: true, mode: 0o700 });
    }
  }

  function ensureNode(progress: AgentToolsProgress): Promise<void> {
    return withLock(join(paths.locks, 'node.lock'), { timeoutMs: lockTimeoutMs }, async () => {
      const manifest = await readManifest();
      const current = await sameContent(nodeBinary, paths.node);
      if (current && manifest.node) return;
      if (!current) await copyNode();
      const result = await runCommand(paths.node, ['--version'], {
        env: {},
        timeoutMs: VERSION_CHECK_TIMEOUT_MS,
      }).catch((error: unknown) => ({ exitCode: null, stdout: '', stderr: String(error) }));
      const version = result.stdout.trim();
      if (result.exitCode !== 0 || !version) {
        throw new CrewshipError(
          'unavailable',
          `the node runtime copied from ${nodeBinary} to ${paths.node} does not start: ${lastLines(result.stderr)}`,
        );
      }
      await updateManifest((next) => {
        next.node = { version };
      });
      if (!current) progress(`installed node ${version} runtime from ${nodeBinary}`);
    });
  }

  async function copyNode(): Promise<void> {
    const temporary = join(paths.nodeBin, `.node-${randomHex()}`);
    try {
      await copyFile(nodeBinary, temporary);
      await chmod(temporary, 0o755);
      await rename(temporary, paths.node);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new CrewshipError(
        'unavailable',
        `cannot copy the node runtime ${nodeBinary}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  function installOne(name: AgentToolName, progress: AgentToolsProgress): Promise<void> {
    const { package: packageName, command } = AGENT_TOOL_PACKAGES[name];
    const version = versions[name];
    const spec = `${packageName}@${version}`;
    return withLock(join(paths.locks, `${name}.lock`), { timeoutMs: lockTimeoutMs }, async () => {
      if ((await describe(name, await readManifest())).installed) {
        const current = await inspectPackage(name, join(paths.packages, name)).catch((error: unknown) => {
          logger.warn('reinstalling a damaged agent tool', { tool: name, error: messageOf(error) });
          return undefined;
        });
        if (current) {
          // Rewritten when this version of Crewship renders shims differently.
          const shimFile = join(paths.bin, command);
          const shimText = renderToolShim(current);
          if ((await readFile(shimFile, 'utf8').catch(() => '')) !== shimText) {
            await writeFileAtomically(shimFile, shimText, 0o755);
          }
          progress(`${name} ${version} is already installed`);
          return;
        }
      }
      await removeLeftovers(name);
      const staging = join(paths.staging, `${name}-${randomHex()}`);
      await mkdir(staging, { recursive: true });
      try {
        progress(`installing ${name} (${spec}) from npm…`);
        const started = performance.now();
        await npmInstall(name, spec, staging);
        const shim = await inspectPackage(name, staging);
        await checkStarts(shim, staging);
        await makeWorldReadable(staging);
        const shimText = renderToolShim(shim);
        await swapIntoPlace(name, staging);
        await writeFileAtomically(join(paths.bin, command), shimText, 0o755);
        await updateManifest((manifest) => {
          manifest.tools[name] = { package: packageName, version, installed_at: now().toISOString() };
        });
        progress(`installed ${name} ${version} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    });
  }

  async function npmInstall(name: AgentToolName, spec: string, staging: string): Promise<void> {
    const args = [
      'install',
      '--prefix',
      staging,
      '--no-audit',
      '--no-fund',
      '--omit=dev',
      // claude-code and opencode fetch their native binary in a postinstall script, and claude-code
      // declares node >=22 although that binary does not need node: a user npmrc must not break either.
      '--ignore-scripts=false',
      '--engine-strict=false',
      spec,
    ];
    const failure = (reason: string, cause?: unknown) =>
      new CrewshipError('unavailable', `npm could not install ${name} (${spec}): ${reason}`, { cause });
    let result: Awaited<ReturnType<RunCommand>>;
    try {
      result = await runCommand(npmCommand, args, {
        cwd: staging,
        timeoutMs: NPM_TIMEOUT_MS,
        onLine: (line, stream) => {
          if (line.trim()) logger.debug(line, { tool: name, stream });
        },
      });
    } catch (error) {
      throw failure(`cannot run ${npmCommand}: ${messageOf(error)}`, error);
    }
    if (result.timedOut) throw failure(`timed out after ${NPM_TIMEOUT_MS / 60_000} minutes`);
    if (result.exitCode !== 0) {
      const exit = result.exitCode === null ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
      throw failure(lastLines(result.stderr) || lastLines(result.stdout) || exit);
    }
  }

  /** Reads the command entry of the package npm put under `installDir`, checking its version. */
  async function inspectPackage(name: AgentToolName, installDir: string): Promise<ToolShim> {
    const { package: packageName, command } = AGENT_TOOL_PACKAGES[name];
    const version = versions[name];
    const packageDir = join(installDir, 'node_modules', packageName);
    const broken = (reason: string) =>
      new CrewshipError('unavailable', `npm installed ${packageName}@${version} but ${reason}`);
    let manifest: { version?: unknown; bin?: unknown };
    try {
      manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
    } catch {
      throw broken('its package.json is missing or unreadable');
    }
    if (manifest.version !== version) throw broken(`it reports version ${String(manifest.version)}`);
    const bin = manifest.bin;
    const declared = typeof bin === 'string' ? bin : (bin as Record<string, unknown> | undefined)?.[command];
    if (typeof declared !== 'string') throw broken(`its package.json has no "${command}" command in "bin"`);
    const entry = posix.normalize(declared.replaceAll('\\', '/'));
    if (entry.startsWith('../') || isAbsolute(entry)) throw broken(`its "bin" points outside the package`);
    const native = await startsWith(join(packageDir, entry), ELF_MAGIC).catch(() => {
      throw broken(`its command file ${entry} is missing`);
    });
    return { name, package: packageName, version, entry, native };
  }

  /** Runs `--version` from the staging directory, so a CLI that cannot start never replaces one that can. */
  async function checkStarts(shim: ToolShim, staging: string): Promise<void> {
    const entry = join(staging, 'node_modules', shim.package, shim.entry);
    const home = join(staging, '.home');
    await mkdir(home, { recursive: true });
    const [command, args] = shim.native ? [entry, ['--version']] : [paths.node, [entry, '--version']];
    const result = await runCommand(command, args, {
      cwd: home,
      env: { PATH: `${paths.nodeBin}:/usr/local/bin:/usr/bin:/bin`, HOME: home },
      timeoutMs: VERSION_CHECK_TIMEOUT_MS,
    }).catch((error: unknown) => ({ exitCode: null, timedOut: false, stdout: '', stderr: messageOf(error) }));
    await rm(home, { recursive: true, force: true });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0 || !output.includes(shim.version)) {
      throw new CrewshipError(
        'unavailable',
        `${shim.name} ${shim.version} was installed from npm but \`${shim.name} --version\` failed` +
          `${result.timedOut ? ' (timed out)' : ''}: ${lastLines(output) || `exit code ${result.exitCode}`}`,
      );
    }
  }

  async function swapIntoPlace(name: AgentToolName, staging: string): Promise<void> {
    const target = join(paths.packages, name);
    let previous: string | undefined;
    if (await exists(target)) {
      previous = join(paths.staging, `${name}-old-${randomHex()}`);
      await rename(target, previous);
    }
    try {
      await rename(staging, target);
    } catch (error) {
      if (previous) await rename(previous, target);
      throw error;
    }
    if (previous) {
      await rm(previous, { recursive: true, force: true }).catch((error: unknown) =>
        logger.warn('could not remove a replaced agent tool', { path: previous, error: messageOf(error) }),
      );
    }
  }

  async function removeLeftovers(name: AgentToolName): Promise<void> {
    const pattern = new RegExp(`^${name}-(?:old-)?[0-9a-f]{12}$`);
    for (const entry of await readdir(paths.staging)) {
      if (pattern.test(entry)) await rm(join(paths.staging, entry), { recursive: true, force: true });
    }
  }

  function reporter(onProgress: AgentToolsProgress | undefined): AgentToolsProgress {
    return (line) => {
      logger.info(line);
      try {
        onProgress?.(line);
      } catch (error) {
        logger.warn('agent tools progress listener failed', { error: messageOf(error) });
      }
    };
  }

  async function install(
    names: readonly AgentToolName[],
    onProgress?: AgentToolsProgress,
  ): Promise<AgentTool[]> {
    const wanted = parseNames(names);
    const progress = reporter(onProgress);
    await ensureLayout();
    await ensureNode(progress);
    for (const name of wanted) await installOne(name, progress);
    const manifest = await readManifest();
    return Promise.all(wanted.map((name) => describe(name, manifest)));
  }

  return {
    toolsDir,
    async list() {
      const manifest = await readManifest();
      return Promise.all(AGENT_TOOLS.map((name) => describe(name, manifest)));
    },
    install,
    async ensureInstalled(names, onProgress) {
      const wanted = parseNames(names);
      const manifest = await readManifest();
      const missing: AgentToolName[] = [];
      for (const name of wanted) {
        if (!(await describe(name, manifest)).installed) missing.push(name);
      }
      if (missing.length === 0 && manifest.node && (await exists(paths.node))) return;
      await install(missing, onProgress);
    },
  };
}

function pinnedVersions(overrides: AgentToolVersions = {}): Record<AgentToolName, string> {
  return { ...DEFAULT_AGENT_TOOL_VERSIONS, ...parseAgentToolVersions(overrides) };
}

function parseNames(names: readonly string[]): AgentToolName[] {
  const unknown = names.filter((name) => !agentToolNameSchema.safeParse(name).success);
  if (unknown.length > 0) {
    throw new CrewshipError(
      'invalid_input',
      `unknown agent tool ${unknown.map((name) => `"${name}"`).join(', ')}; known: ${AGENT_TOOLS.join(', ')}`,
    );
  }
  return [...new Set(names as readonly AgentToolName[])];
}

/** Directories 0755, files readable by all and executable by all when executable at all. */
async function makeWorldReadable(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    await chmod(path, 0o755);
    const entries = await readdir(path);
    await Promise.all(entries.map((entry) => makeWorldReadable(join(path, entry))));
    return;
  }
  const executable = (info.mode & 0o111) !== 0;
  await chmod(path, (info.mode & 0o755) | 0o444 | (executable ? 0o111 : 0));
}

async function sameContent(source: string, copy: string): Promise<boolean> {
  const [a, b] = await Promise.all([stat(source).catch(() => null), stat(copy).catch(() => null)]);
  if (!a || !b || a.size !== b.size) return false;
  const [hashA, hashB] = await Promise.all([sha256(source), sha256(copy)]);
  return hashA === hashB;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

async function startsWith(file: string, prefix: Buffer): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(buffer, 0, prefix.length, 0);
    return bytesRead === prefix.length && buffer.equals(prefix);
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

function lastLines(text: string, count = 12): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter(Boolean);
  return lines.slice(-count).join('\n').slice(-2000);
}

function randomHex(): string {
  return randomBytes(6).toString('hex');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
