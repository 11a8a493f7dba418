import type { AgentToolName } from '@crewship/contracts';

export interface AgentToolPackage {
  /** npm package name. */
  package: string;
  /** Command placed in `<toolsDir>/bin`, and the key looked up in the package's `bin` field. */
  command: string;
}

export const AGENT_TOOL_PACKAGES: Readonly<Record<AgentToolName, AgentToolPackage>> = {
  'claude-code': { package: '@anthropic-ai/claude-code', command: 'claude' },
  codex: { package: '@openai/codex', command: 'codex' },
  gemini: { package: '@google/gemini-cli', command: 'gemini' },
  opencode: { package: 'opencode-ai', command: 'opencode' },
};
