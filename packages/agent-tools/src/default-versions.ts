import type { AgentToolName } from '@crewship/contracts';

/**
 * Exact versions installed unless the server config overrides them. Each was installed from npm
 * and started with `--version` on Debian 12 (glibc) with Node 20: claude-code and opencode are
 * native binaries, codex and gemini run on the copied node.
 */
export const DEFAULT_AGENT_TOOL_VERSIONS: Readonly<Record<AgentToolName, string>> = {
  'claude-code': '2.1.330',
  codex: '0.169.0',
  gemini: '0.61.0',
  opencode: '1.18.33',
};
