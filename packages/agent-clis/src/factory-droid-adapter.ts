import type { AgentCliAdapter, ToolProfile } from '@crewship/contracts';
import { agentEnvironment } from './agent-environment.js';
import { createFactoryDroidParser } from './factory-droid-parser.js';
import { agentHome, fitsArgv, foldSystemPrompt, parseInvocationInput } from './invocation-input.js';

/** Droid's autonomy tiers (low: file edits, medium: + reversible commands, high: everything). */
const AUTONOMY: Record<ToolProfile, string> = { MINIMAL: 'low', CODING: 'medium', FULL: 'high' };

/**
 * Factory Droid: `droid exec --auto <level> -o stream-json`. The system prompt is folded into the
 * message; `--mission` stays unused (Factory issue #794).
 */
export function createFactoryDroidAdapter(): AgentCliAdapter {
  return {
    id: 'FACTORY_DROID',
    binary: 'droid',
    supportsMcp: false,
    buildInvocation(raw) {
      const input = parseInvocationInput(raw);
      const environment = agentEnvironment({ agentSlug: input.agentSlug, adapter: 'FACTORY_DROID' });
      const cmd = ['droid', 'exec', '--auto', AUTONOMY[input.toolProfile], '-o', 'stream-json'];
      if (input.model) cmd.push('-m', input.model);
      const prompt = foldSystemPrompt(input.systemPrompt, input.prompt);
      // Without a prompt argument `droid exec` reads the prompt from stdin.
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
    createParser: createFactoryDroidParser,
  };
}
