import type { AgentCliAdapter, ToolProfile } from '@crewship/contracts';
import { agentEnvironment } from './agent-environment.js';
import { agentHome, parseInvocationInput } from './invocation-input.js';
import { createOpenCodeParser } from './opencode-parser.js';

/** Merged over OPENCODE_CONFIG via OPENCODE_CONFIG_CONTENT; denied tools are not offered to the model. */
const PERMISSIONS: Record<ToolProfile, unknown> = {
  MINIMAL: { edit: 'deny', bash: 'deny', webfetch: 'allow', external_directory: 'allow' },
  CODING: { edit: 'allow', bash: 'allow', webfetch: 'allow', external_directory: 'allow' },
  FULL: 'allow',
};

/** OpenCode wants `provider/model`; a bare id is taken as OpenAI's when it looks like one, else Anthropic's. */
export function openCodeModel(model: string): string {
  if (model.includes('/')) return model;
  return /^(gpt-|o\d|codex)/i.test(model) ? `openai/${model}` : `anthropic/${model}`;
}

/**
 * OpenCode: `opencode run --format json`. The prompt always goes over stdin: `run` quotes a message
 * argument that contains spaces before sending it. The system prompt is AGENTS.md in the cwd, and
 * `--title` spares the extra model call that would name the session.
 */
export function createOpenCodeAdapter(): AgentCliAdapter {
  return {
    id: 'OPENCODE',
    binary: 'opencode',
    supportsMcp: false,
    buildInvocation(raw) {
      const input = parseInvocationInput(raw);
      const home = agentHome(input.agentSlug);
      const environment = agentEnvironment({ agentSlug: input.agentSlug, adapter: 'OPENCODE' });
      const cmd = ['opencode', 'run', '--format', 'json', '--title', input.agentSlug];
      if (input.model) cmd.push('-m', openCodeModel(input.model));
      return {
        cmd,
        stdin: input.prompt,
        env: {
          ...environment.env,
          OPENCODE_CONFIG_CONTENT: JSON.stringify({ permission: PERMISSIONS[input.toolProfile] }),
        },
        files: [...environment.files, { path: `${home}/AGENTS.md`, content: input.systemPrompt }],
        cwd: home,
      };
    },
    createParser: createOpenCodeParser,
  };
}
