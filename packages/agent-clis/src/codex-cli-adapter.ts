import type { AgentCliAdapter, ToolProfile } from '@crewship/contracts';
import { agentEnvironment } from './agent-environment.js';
import { createCodexCliParser } from './codex-cli-parser.js';
import {
  agentHome,
  fitsArgv,
  foldSystemPrompt,
  parseInvocationInput,
  tomlString,
} from './invocation-input.js';

/**
 * Codex's own sandbox needs user namespaces (bubblewrap), which the hardened crew container denies:
 * there every sandboxed command fails, so MINIMAL stays without a working shell (fails closed) and
 * CODING/FULL run unsandboxed inside the container, which is the sandbox.
 */
const PROFILE_FLAGS: Record<ToolProfile, string[]> = {
  MINIMAL: ['--sandbox', 'read-only'],
  CODING: ['--dangerously-bypass-approvals-and-sandbox'],
  FULL: ['--dangerously-bypass-approvals-and-sandbox'],
};

/**
 * Codex: `codex exec --json`. The system prompt becomes the developer instructions (`-c
 * developer_instructions=…`), or is folded into the prompt when too large for argv. stdin is always
 * given (empty when unused): `codex exec` waits for it otherwise.
 */
export function createCodexCliAdapter(): AgentCliAdapter {
  return {
    id: 'CODEX_CLI',
    binary: 'codex',
    supportsMcp: false,
    buildInvocation(raw) {
      const input = parseInvocationInput(raw);
      const environment = agentEnvironment({ agentSlug: input.agentSlug, adapter: 'CODEX_CLI' });
      const cmd = ['codex', 'exec', '--json', '--skip-git-repo-check'];
      if (input.model) cmd.push('-m', input.model);
      cmd.push(...PROFILE_FLAGS[input.toolProfile]);
      let prompt = input.prompt;
      if (input.systemPrompt !== '') {
        const instructions = `developer_instructions=${tomlString(input.systemPrompt)}`;
        if (fitsArgv(instructions)) cmd.push('-c', instructions);
        else prompt = foldSystemPrompt(input.systemPrompt, prompt);
      }
      const stdin = fitsArgv(prompt) ? '' : prompt;
      cmd.push(...(stdin === '' ? ['--', prompt] : ['-']));
      return {
        cmd,
        stdin,
        env: environment.env,
        files: environment.files,
        cwd: agentHome(input.agentSlug),
      };
    },
    createParser: createCodexCliParser,
  };
}
