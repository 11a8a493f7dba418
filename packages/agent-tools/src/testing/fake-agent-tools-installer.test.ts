import { DEFAULT_AGENT_TOOL_VERSIONS } from '../default-versions.js';
import { describeAgentToolsInstallerContract } from './agent-tools-installer-contract.js';
import { createFakeAgentToolsInstaller } from './fake-agent-tools-installer.js';

describeAgentToolsInstallerContract('fake', async () => ({
  installer: createFakeAgentToolsInstaller(),
  versions: { ...DEFAULT_AGENT_TOOL_VERSIONS },
}));
