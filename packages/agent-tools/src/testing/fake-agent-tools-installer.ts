import {
  AGENT_TOOLS,
  type AgentTool,
  type AgentToolName,
  type AgentToolsInstaller,
  agentToolNameSchema,
  CrewshipError,
} from '@crewship/contracts';
import { AGENT_TOOL_PACKAGES } from '../agent-tool-packages.js';
import { DEFAULT_AGENT_TOOL_VERSIONS } from '../default-versions.js';

export interface FakeAgentToolsInstallerOptions {
  toolsDir?: string;
  versions?: Partial<Record<AgentToolName, string>>;
  /** Tools that count as installed from the start. */
  installed?: readonly AgentToolName[];
  /** Return a reason to make installing that tool fail as npm would. */
  fail?: (name: AgentToolName) => string | undefined;
  now?: () => Date;
}

export interface FakeAgentToolsInstaller extends AgentToolsInstaller {
  /** Every tool actually installed (not skipped), in order. */
  readonly installs: AgentToolName[];
}

/** An in-memory `AgentToolsInstaller` for tests of the routes, commands and runtimes that use one. */
export function createFakeAgentToolsInstaller(
  options: FakeAgentToolsInstallerOptions = {},
): FakeAgentToolsInstaller {
  const versions = { ...DEFAULT_AGENT_TOOL_VERSIONS, ...options.versions };
  const now = options.now ?? (() => new Date());
  const installedAt = new Map<AgentToolName, string>(
    (options.installed ?? []).map((name) => [name, now().toISOString()]),
  );
  const installs: AgentToolName[] = [];

  const describe = (name: AgentToolName): AgentTool => ({
    name,
    package: AGENT_TOOL_PACKAGES[name].package,
    version: versions[name],
    installed: installedAt.has(name),
    installed_at: installedAt.get(name) ?? null,
    binary: AGENT_TOOL_PACKAGES[name].command,
  });

  const parse = (names: readonly string[]): AgentToolName[] => {
    for (const name of names) {
      if (!agentToolNameSchema.safeParse(name).success) {
        throw new CrewshipError('invalid_input', `unknown agent tool "${name}"`);
      }
    }
    return [...new Set(names as readonly AgentToolName[])];
  };

  const installer: FakeAgentToolsInstaller = {
    toolsDir: options.toolsDir ?? '/fake/crewship/tools',
    installs,
    async list() {
      return AGENT_TOOLS.map(describe);
    },
    async install(names, onProgress) {
      const wanted = parse(names);
      for (const name of wanted) {
        const spec = `${AGENT_TOOL_PACKAGES[name].package}@${versions[name]}`;
        if (installedAt.has(name)) {
          onProgress?.(`${name} ${versions[name]} is already installed`);
          continue;
        }
        onProgress?.(`installing ${name} (${spec}) from npm…`);
        const failure = options.fail?.(name);
        if (failure !== undefined) {
          throw new CrewshipError('unavailable', `npm could not install ${name} (${spec}): ${failure}`);
        }
        installedAt.set(name, now().toISOString());
        installs.push(name);
        onProgress?.(`installed ${name} ${versions[name]} in 0.0 s`);
      }
      return wanted.map(describe);
    },
    async ensureInstalled(names, onProgress) {
      const missing = parse(names).filter((name) => !installedAt.has(name));
      if (missing.length > 0) await installer.install(missing, onProgress);
    },
  };
  return installer;
}
