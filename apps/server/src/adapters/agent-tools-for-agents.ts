import type { Agent, AgentToolName, CliAdapter } from '@crewship/contracts';

/** The npm-installed CLI behind each agent adapter; adapters without one bring their own binary. */
const TOOL_OF_ADAPTER: Readonly<Record<CliAdapter, AgentToolName | null>> = {
  CLAUDE_CODE: 'claude-code',
  CODEX_CLI: 'codex',
  GEMINI_CLI: 'gemini',
  OPENCODE: 'opencode',
  CURSOR_CLI: null,
  FACTORY_DROID: null,
};

/** The agent tools a crew's agents need, each once, sorted. */
export function toolsForAgents(agents: readonly Pick<Agent, 'cli_adapter'>[]): AgentToolName[] {
  const tools = new Set<AgentToolName>();
  for (const agent of agents) {
    const tool = TOOL_OF_ADAPTER[agent.cli_adapter];
    if (tool) tools.add(tool);
  }
  return [...tools].sort();
}
