import type { AgentRole, CliAdapter, ToolProfile } from '@crewship/contracts';

export const CLI_ADAPTER_LABELS: Record<CliAdapter, string> = {
  CLAUDE_CODE: 'Claude Code',
  CODEX_CLI: 'Codex CLI',
  GEMINI_CLI: 'Gemini CLI',
  OPENCODE: 'OpenCode',
  CURSOR_CLI: 'Cursor CLI',
  FACTORY_DROID: 'Factory Droid',
};

export const AGENT_ROLE_LABELS: Record<AgentRole, string> = { LEAD: 'Lead', MEMBER: 'Member' };

export const TOOL_PROFILE_LABELS: Record<ToolProfile, string> = {
  MINIMAL: 'Minimal (read and search)',
  CODING: 'Coding (edits and shell)',
  FULL: 'Full (every tool, never asks)',
};

/** "Coding (edits and shell)" -> "Coding", for tables. */
export function shortLabel(label: string): string {
  return label.replace(/ \(.*\)$/, '');
}
