import type { AgentCliAdapter, AgentConfigFile } from '@crewship/contracts';
import { agentEnvironment } from './agent-environment.js';
import { createGeminiCliParser } from './gemini-cli-parser.js';
import { agentHome, fitsArgv, parseInvocationInput } from './invocation-input.js';

/** An explicit model: the default "auto" first asks a classifier model, one more call per prompt. */
export const GEMINI_DEFAULT_MODEL = 'gemini-2.5-flash';

/** CODING: edits are auto-approved by `auto_edit`; this policy adds the shell. */
const CODING_POLICY = '[[rule]]\ntoolName = "run_shell_command"\ndecision = "allow"\npriority = 100\n';

export interface GeminiCliAdapterOptions {
  /** Directories besides the cwd its file tools may use; each must exist or Gemini CLI refuses to start. */
  workspaceDirectories: (agentSlug: string) => readonly string[];
}

/**
 * Gemini CLI: `gemini --output-format stream-json --model=M --prompt=…`. The system prompt replaces
 * Gemini's own through GEMINI_SYSTEM_MD (a file). Headless, `default` approval offers only read-only
 * tools, `auto_edit` plus a policy adds edits and the shell, `yolo` allows everything.
 */
export function createGeminiCliAdapter(options: GeminiCliAdapterOptions): AgentCliAdapter {
  return {
    id: 'GEMINI_CLI',
    binary: 'gemini',
    supportsMcp: false,
    buildInvocation(raw) {
      const input = parseInvocationInput(raw);
      const home = agentHome(input.agentSlug);
      const environment = agentEnvironment({ agentSlug: input.agentSlug, adapter: 'GEMINI_CLI' });
      const env = { ...environment.env };
      const files: AgentConfigFile[] = [...environment.files];
      const cmd = [
        'gemini',
        '--output-format',
        'stream-json',
        `--model=${input.model ?? GEMINI_DEFAULT_MODEL}`,
      ];
      if (input.toolProfile === 'MINIMAL') cmd.push('--approval-mode', 'default');
      else if (input.toolProfile === 'FULL') cmd.push('--approval-mode', 'yolo');
      else {
        const policy = `${home}/.crewship/gemini-coding-policy.toml`;
        files.push({ path: policy, content: CODING_POLICY });
        cmd.push('--approval-mode', 'auto_edit', '--policy', policy);
      }
      const directories = options.workspaceDirectories(input.agentSlug);
      if (directories.length > 0) cmd.push('--include-directories', directories.join(','));
      if (input.systemPrompt !== '') {
        const path = `${home}/.crewship/gemini-system.md`;
        files.push({ path, content: input.systemPrompt });
        env.GEMINI_SYSTEM_MD = path;
      }
      // `--prompt=` keeps a prompt that starts with "-" a value; without it Gemini reads stdin.
      const stdin = fitsArgv(input.prompt) ? '' : input.prompt;
      if (stdin === '') cmd.push(`--prompt=${input.prompt}`);
      return { cmd, stdin, env, files, cwd: home };
    },
    createParser: createGeminiCliParser,
  };
}
