export {
  type AgentCliAdapterOptions,
  agentCliAdapter,
  defaultWorkspaceDirectories,
} from './agent-cli-adapter.js';
export {
  type AgentConfigFile,
  type AgentEnvironment,
  type AgentEnvironmentInput,
  agentEnvironment,
} from './agent-environment.js';
export { createClaudeCodeAdapter } from './claude-code-adapter.js';
export { createClaudeCodeParser } from './claude-code-parser.js';
export { createCodexCliAdapter } from './codex-cli-adapter.js';
export { createCodexCliParser } from './codex-cli-parser.js';
export { createCursorCliAdapter } from './cursor-cli-adapter.js';
export { createCursorCliParser } from './cursor-cli-parser.js';
export { createFactoryDroidAdapter } from './factory-droid-adapter.js';
export { createFactoryDroidParser } from './factory-droid-parser.js';
export {
  createGeminiCliAdapter,
  GEMINI_DEFAULT_MODEL,
  type GeminiCliAdapterOptions,
} from './gemini-cli-adapter.js';
export { createGeminiCliParser } from './gemini-cli-parser.js';
export { agentHome, foldSystemPrompt } from './invocation-input.js';
export { createOpenCodeAdapter } from './opencode-adapter.js';
export { createOpenCodeParser } from './opencode-parser.js';
