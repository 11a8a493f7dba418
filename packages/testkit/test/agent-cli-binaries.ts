import { execFile } from 'node:child_process';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The pinned agent CLI versions the fixtures were recorded with. */
export const AGENT_CLIS = {
  claude: { package: '@anthropic-ai/claude-code', version: '2.1.330', bin: 'claude' },
  codex: { package: '@openai/codex', version: '0.169.0', bin: 'codex' },
  gemini: { package: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  opencode: { package: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
} as const;

export type AgentCliName = keyof typeof AGENT_CLIS;

const SHARED_CACHE = join(tmpdir(), 'crewship-test-tools-cache');

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The shared tools cache (filled by @crewship/agent-tools tests) when it holds the pinned version. */
async function fromSharedCache(name: AgentCliName): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(SHARED_CACHE, 'manifest.json'), 'utf8'));
    const bin = join(SHARED_CACHE, 'bin', name);
    if (manifest?.tools?.[name]?.version === AGENT_CLIS[name].version && (await isExecutable(bin)))
      return bin;
  } catch {
    // no usable shared cache: install our own copy
  }
  return undefined;
}

async function installOwnCopy(): Promise<string> {
  const specs = Object.values(AGENT_CLIS).map((cli) => `${cli.package}@${cli.version}`);
  const directory = join(tmpdir(), `crewship-testkit-clis-${specs.join('_').replace(/[^a-z0-9.]+/gi, '-')}`);
  const binDirectory = join(directory, 'node_modules', '.bin');
  const complete = await Promise.all(
    Object.values(AGENT_CLIS).map((cli) => isExecutable(join(binDirectory, cli.bin))),
  );
  if (complete.every(Boolean)) return binDirectory;
  const staging = `${directory}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await run(
    'npm',
    ['install', '--prefix', staging, '--no-audit', '--no-fund', '--loglevel=error', ...specs],
    {
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  await rm(directory, { recursive: true, force: true });
  await rename(staging, directory).catch(async (error: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!(await isExecutable(join(binDirectory, 'claude')))) throw error;
  });
  return binDirectory;
}

/** Absolute paths of the four CLIs, installing the pinned versions from npm when needed. */
export async function resolveAgentClis(): Promise<Record<AgentCliName, string>> {
  const names = Object.keys(AGENT_CLIS) as AgentCliName[];
  const cached = await Promise.all(names.map(fromSharedCache));
  let ownBin: string | undefined;
  const result = {} as Record<AgentCliName, string>;
  for (const [index, name] of names.entries()) {
    const path = cached[index];
    if (path) {
      result[name] = path;
      continue;
    }
    ownBin ??= await installOwnCopy();
    result[name] = join(ownBin, AGENT_CLIS[name].bin);
  }
  return result;
}
