export { AGENT_TOOL_PACKAGES, type AgentToolPackage } from './agent-tool-packages.js';
export { DEFAULT_AGENT_TOOL_VERSIONS } from './default-versions.js';
export {
  createNpmAgentToolsInstaller,
  type NpmAgentToolsInstallerOptions,
} from './npm-agent-tools-installer.js';
export { type CommandResult, type RunCommand, type RunCommandOptions, spawnCommand } from './run-command.js';
