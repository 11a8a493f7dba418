import { type AgentConfigFile, agentDummyKey, type CliAdapter, SIDECAR_URL } from '@crewship/contracts';

export type { AgentConfigFile };

export interface AgentEnvironmentInput {
  agentSlug: string;
  adapter: CliAdapter;
}

export interface AgentEnvironment {
  env: Record<string, string>;
  files: AgentConfigFile[];
}

/**
 * What makes the agent's CLI talk to the sidecar only: base URLs and proxy variables pointing at it,
 * dummy keys that name the agent (the gateway swaps in the real credential), telemetry off, and the
 * config files Codex, Gemini CLI and OpenCode need to honour a custom endpoint.
 */
export function agentEnvironment(input: AgentEnvironmentInput): AgentEnvironment {
  const key = agentDummyKey(input.agentSlug);
  const home = `/crew/agents/${input.agentSlug}`;
  const config = `${home}/.crewship`;
  const env: Record<string, string> = {
    HTTP_PROXY: SIDECAR_URL,
    HTTPS_PROXY: SIDECAR_URL,
    http_proxy: SIDECAR_URL,
    https_proxy: SIDECAR_URL,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ANTHROPIC_BASE_URL: SIDECAR_URL,
    ANTHROPIC_API_KEY: key,
    OPENAI_BASE_URL: `${SIDECAR_URL}/openai/v1`,
    OPENAI_API_KEY: key,
    GOOGLE_GEMINI_BASE_URL: `${SIDECAR_URL}/gemini`,
    GEMINI_API_KEY: key,
    CURSOR_API_KEY: key,
    FACTORY_API_KEY: key,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    CODEX_HOME: `${home}/.codex`,
    // Gemini CLI skips a system settings file unless root owns it and every parent dir: use a home of its own.
    GEMINI_CLI_HOME: `${config}/gemini`,
    OPENCODE_CONFIG: `${config}/opencode.json`,
  };
  const files: AgentConfigFile[] = [
    {
      path: `${home}/.codex/config.toml`,
      content: [
        'model_provider = "crewship"',
        '',
        '[model_providers.crewship]',
        'name = "Crewship gateway"',
        `base_url = "${SIDECAR_URL}/openai/v1"`,
        'env_key = "OPENAI_API_KEY"',
        'wire_api = "responses"',
        'supports_websockets = false',
        '',
      ].join('\n'),
    },
    {
      path: `${config}/gemini/.gemini/settings.json`,
      content: `${JSON.stringify(
        {
          security: { auth: { selectedType: 'gemini-api-key' } },
          privacy: { usageStatisticsEnabled: false },
        },
        null,
        2,
      )}\n`,
    },
    {
      path: `${config}/opencode.json`,
      content: `${JSON.stringify(
        {
          $schema: 'https://opencode.ai/config.json',
          autoupdate: false,
          share: 'disabled',
          provider: {
            anthropic: { options: { baseURL: `${SIDECAR_URL}/v1`, apiKey: key } },
            openai: { options: { baseURL: `${SIDECAR_URL}/openai/v1`, apiKey: key } },
          },
        },
        null,
        2,
      )}\n`,
    },
  ];
  return { env, files };
}
