export {
  type AgentToolsContractSubject,
  describeAgentToolsInstallerContract,
} from './agent-tools-installer-contract.js';
export {
  createFakeAgentToolsInstaller,
  type FakeAgentToolsInstaller,
  type FakeAgentToolsInstallerOptions,
} from './fake-agent-tools-installer.js';
export { createFakeNpm, type FakeNpm, type FakeNpmOptions } from './fake-npm.js';
