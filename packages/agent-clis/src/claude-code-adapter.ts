import type { AgentCliAdapter, AgentConfigFile, ToolProfile } from '@crewship/contracts';
import { agentEnvironment } from './agent-environment.js';
import { createClaudeCodeParser } from './claude-code-parser.js';
import { agentHome, fitsArgv, parseInvocationInput } from './invocation-input.js';

const READ_TOOLS = 'Read,Glob,Grep,WebFetch,WebSearch';
const CODING_TOOLS = `${READ_TOOLS},Bash,Edit,Write,NotebookEdit`;

/**
 * `--tools` limits the built-in tools; permission prompts are skipped because nobody can answer them in
 * `--print` mode and the crew container is the sandbox (IS_SANDBOX lets that hold for root too).
 */
const PROFILE_FLAGS: Record<ToolProfile, string[]> = {
  MINIMAL: ['--tools', READ_TOOLS, '--permission-mode', 'bypassPermissions'],
  CODING: ['--tools', CODING_TOOLS, '--permission-mode', 'bypassPermissions'],
  FULL: ['--permission-mode', 'bypassPermissions'],
};

/** Claude Code: `claude --print --output-format stream-json`, system prompt by flag (or file when large). */
export function createClaudeCodeAdapter(): AgentCliAdapter {
  return {
    id: 'CLAUDE_CODE',
    binary: 'claude',
    supportsMcp: true,
    buildInvocation(raw) {
      const input = parseInvocationInput(raw);
      const home = agentHome(input.agentSlug);
      const environment = agentEnvironment({ agentSlug: input.agentSlug, adapter: 'CLAUDE_CODE' });
      const files: AgentConfigFile[] = [...environment.files];
      const cmd = [
        'claude',
        '--print',
        '--output-format',
        'stream-json',
        '--verbose',
        '--include-partial-messages',
      ];
      if (input.systemPrompt !== '') {
        if (fitsArgv(input.systemPrompt)) cmd.push('--system-prompt', input.systemPrompt);
        else {
          const path = `${home}/.crewship/system-prompt.md`;
          files.push({ path, content: input.systemPrompt });
          cmd.push('--system-prompt-file', path);
        }
      }
      if (input.model) cmd.push('--model', input.model);
      if (input.mcpConfigPath) cmd.push('--mcp-config', input.mcpConfigPath);
      cmd.push(...PROFILE_FLAGS[input.toolProfile]);
      // Without a prompt argument Claude Code reads the prompt from stdin.
      const stdin = fitsArgv(input.prompt) ? '' : input.prompt;
      if (stdin === '') cmd.push('--', input.prompt);
      return { cmd, stdin, env: { ...environment.env, IS_SANDBOX: '1' }, files, cwd: home };
    },
    createParser: createClaudeCodeParser,
  };
}
