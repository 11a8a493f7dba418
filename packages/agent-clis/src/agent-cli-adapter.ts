import type { AgentCliAdapter, CliAdapter } from '@crewship/contracts';
import { createClaudeCodeAdapter } from './claude-code-adapter.js';
import { createCodexCliAdapter } from './codex-cli-adapter.js';
import { createCursorCliAdapter } from './cursor-cli-adapter.js';
import { createFactoryDroidAdapter } from './factory-droid-adapter.js';
import { createGeminiCliAdapter } from './gemini-cli-adapter.js';
import { createOpenCodeAdapter } from './opencode-adapter.js';

export interface AgentCliAdapterOptions {
  /**
   * Directories besides its own that an agent works in, for CLIs that confine their file tools
   * (Gemini CLI). Each must exist. Default: `/workspace`, `/crew/shared`, `/output/{slug}`.
   */
  workspaceDirectories?: (agentSlug: string) => readonly string[];
}

export const defaultWorkspaceDirectories = (agentSlug: string): readonly string[] => [
  '/workspace',
  '/crew/shared',
  `/output/${agentSlug}`,
];

/**
 * The adapter of one agent CLI. Tool profiles (MINIMAL: read and search, CODING: + edits and shell,
 * FULL: everything the CLI has, never asking):
 *
 * | CLI         | MINIMAL                             | CODING                                  | FULL                          |
 * |-------------|-------------------------------------|-----------------------------------------|-------------------------------|
 * | Claude Code | --tools Read,Glob,Grep,WebFetch,WebSearch | + Bash,Edit,Write,NotebookEdit    | default tools                 |
 * |             | (all with --permission-mode bypassPermissions; MCP tools always offered)                              |
 * | Codex       | --sandbox read-only (no shell in the crew container) | --dangerously-bypass-approvals-and-sandbox | same as CODING |
 * | Gemini CLI  | --approval-mode default (read-only tools) | auto_edit + policy allowing run_shell_command | --approval-mode yolo |
 * | OpenCode    | permission edit/bash deny           | edit/bash allow                         | permission "allow"            |
 * | Cursor      | --mode ask                          | --force                                 | --force                       |
 * | Droid       | --auto low                          | --auto medium                           | --auto high                   |
 */
export function agentCliAdapter(id: CliAdapter, options: AgentCliAdapterOptions = {}): AgentCliAdapter {
  switch (id) {
    case 'CLAUDE_CODE':
      return createClaudeCodeAdapter();
    case 'CODEX_CLI':
      return createCodexCliAdapter();
    case 'GEMINI_CLI':
      return createGeminiCliAdapter({
        workspaceDirectories: options.workspaceDirectories ?? defaultWorkspaceDirectories,
      });
    case 'OPENCODE':
      return createOpenCodeAdapter();
    case 'CURSOR_CLI':
      return createCursorCliAdapter();
    case 'FACTORY_DROID':
      return createFactoryDroidAdapter();
  }
}
