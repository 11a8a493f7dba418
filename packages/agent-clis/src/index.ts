export {
  type AgentConfigFile,
  type AgentEnvironment,
  type AgentEnvironmentInput,
  agentEnvironment,
} from './agent-environment.js';
