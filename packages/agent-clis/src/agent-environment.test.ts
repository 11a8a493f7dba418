import { CLI_ADAPTERS, SIDECAR_URL } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { agentEnvironment } from './agent-environment.js';

describe('agentEnvironment', () => {
  for (const adapter of CLI_ADAPTERS) {
    it(`points ${adapter} at the sidecar with a dummy key naming the agent`, () => {
      const { env, files } = agentEnvironment({ agentSlug: 'ada', adapter });
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ANTHROPIC_BASE_URL']) {
        expect(env[name], name).toBe(SIDECAR_URL);
      }
      expect(env.OPENAI_BASE_URL).toBe(`${SIDECAR_URL}/openai/v1`);
      expect(env.GOOGLE_GEMINI_BASE_URL).toBe(`${SIDECAR_URL}/gemini`);
      for (const name of [
        'ANTHROPIC_API_KEY',
        'OPENAI_API_KEY',
        'GEMINI_API_KEY',
        'CURSOR_API_KEY',
        'FACTORY_API_KEY',
      ]) {
        expect(env[name], name).toBe('crewship-agent-ada');
      }
      for (const file of files) expect(file.path.startsWith('/crew/agents/ada/')).toBe(true);
      // Every URL in the config files is the sidecar's.
      const urls = files.flatMap((file) => file.content.match(/https?:\/\/[^"\s]+/g) ?? []);
      expect(
        urls.filter(
          (url) => !url.startsWith(SIDECAR_URL) && !url.startsWith('https://opencode.ai/config.json'),
        ),
      ).toEqual([]);
    });
  }

  it('gives Codex a custom provider on the sidecar and Gemini/OpenCode their config files', () => {
    const { env, files } = agentEnvironment({ agentSlug: 'bob', adapter: 'CODEX_CLI' });
    const byPath = Object.fromEntries(files.map((file) => [file.path, file.content]));
    expect(byPath[`${env.CODEX_HOME}/config.toml`]).toContain('wire_api = "responses"');
    expect(byPath[`${env.CODEX_HOME}/config.toml`]).toContain('supports_websockets = false');
    expect(env.GEMINI_CLI_SYSTEM_SETTINGS_PATH).toBeUndefined();
    expect(JSON.parse(byPath[`${env.GEMINI_CLI_HOME}/.gemini/settings.json`] ?? '{}')).toMatchObject({
      security: { auth: { selectedType: 'gemini-api-key' } },
    });
    expect(JSON.parse(byPath[env.OPENCODE_CONFIG ?? ''] ?? '{}').provider.anthropic.options.baseURL).toBe(
      `${SIDECAR_URL}/v1`,
    );
  });
});
