import type { AgentCliAdapter, ToolProfile } from '@crewship/contracts';
import { agentEnvironment } from './agent-environment.js';
import { createCursorCliParser } from './cursor-cli-parser.js';
import { agentHome, fitsArgv, foldSystemPrompt, parseInvocationInput } from './invocation-input.js';

/** `--mode ask` is Cursor's read-only mode; `--force` runs commands and edits without asking. */
const PROFILE_FLAGS: Record<ToolProfile, string[]> = {
  MINIMAL: ['--mode', 'ask'],
  CODING: ['--force'],
  FULL: ['--force'],
};

/**
 * Cursor CLI: `cursor-agent -p --output-format stream-json --stream-partial-output`. It has no system
 * prompt option, so the instructions are folded into the message; MCP servers are listed but not invoked
 * in headless mode (Cursor forum #143045/#148397), hence no MCP support.
 */
export function createCursorCliAdapter(): AgentCliAdapter {
  return {
    id: 'CURSOR_CLI',
    binary: 'cursor-agent',
    supportsMcp: false,
    buildInvocation(raw) {
      const input = parseInvocationInput(raw);
      const environment = agentEnvironment({ agentSlug: input.agentSlug, adapter: 'CURSOR_CLI' });
      const cmd = [
        'cursor-agent',
        '-p',
        '--output-format',
        'stream-json',
        '--stream-partial-output',
        '--trust',
        ...PROFILE_FLAGS[input.toolProfile],
      ];
      if (input.model) cmd.push('--model', input.model);
      const prompt = foldSystemPrompt(input.systemPrompt, input.prompt);
      // With piped stdin and no prompt argument, cursor-agent reads the prompt from stdin.
      const stdin = fitsArgv(prompt) ? '' : prompt;
      if (stdin === '') cmd.push('--', prompt);
      return {
        cmd,
        stdin,
        env: environment.env,
        files: environment.files,
        cwd: agentHome(input.agentSlug),
      };
    },
    createParser: createCursorCliParser,
  };
}
