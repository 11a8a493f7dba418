import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.js';

describe('parseServerConfig', () => {
  it('uses 127.0.0.1:8080 and ~/.crewship by default', () => {
    const config = parseServerConfig({}, { HOME: '/home/someone' });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: '/home/someone/.crewship' });
    expect(config).toMatchObject({
      authRateLimitPerMinute: 10,
      apiRateLimitPerMinute: 120,
      trustProxy: false,
    });
  });

  it('lets flags win over the environment', () => {
    const config = parseServerConfig(
      { port: '9000', dataDir: '~/data' },
      { HOME: '/h', CREWSHIP_PORT: '7000', CREWSHIP_HOST: '0.0.0.0', CREWSHIP_TRUST_PROXY: 'yes' },
    );
    expect(config).toMatchObject({ host: '0.0.0.0', port: 9000, dataDir: '/h/data', trustProxy: true });
  });

  it('names every invalid value', () => {
    expect(() => parseServerConfig({ port: '70000', logLevel: 'loud' }, {})).toThrow(
      /invalid server configuration: port: .*; logLevel: /,
    );
  });

  it('explains a non-numeric port', () => {
    expect(() => parseServerConfig({ port: 'eighty' }, {})).toThrow(
      'port: must be a whole number from 0 to 65535',
    );
  });

  it('configures crew containers: Docker by default, CREWSHIP_DOCKER_HOST over DOCKER_HOST, TTL and stats interval', () => {
    expect(parseServerConfig({}, { HOME: '/h' })).toMatchObject({
      containers: 'docker',
      dockerHost: undefined,
      idleTtlMinutes: 30,
      statsIntervalMs: 5000,
      home: '/h',
    });
    expect(parseServerConfig({}, { DOCKER_HOST: 'unix:///a.sock' }).dockerHost).toBe('unix:///a.sock');
    const config = parseServerConfig(
      {},
      {
        DOCKER_HOST: 'unix:///a.sock',
        CREWSHIP_DOCKER_HOST: 'unix:///b.sock',
        CREWSHIP_CONTAINERS: 'off',
        CREWSHIP_IDLE_TTL_MINUTES: '5',
        CREWSHIP_STATS_INTERVAL_MS: '2000',
      },
    );
    expect(config).toMatchObject({
      dockerHost: 'unix:///b.sock',
      containers: 'off',
      idleTtlMinutes: 5,
      statsIntervalMs: 2000,
    });
    expect(() => parseServerConfig({}, { CREWSHIP_CONTAINERS: 'kubernetes' })).toThrow(
      'containers: must be one of docker, off',
    );
    expect(() => parseServerConfig({}, { CREWSHIP_IDLE_TTL_MINUTES: '0' })).toThrow(/idleTtlMinutes/);
  });
});

describe('agent tool versions', () => {
  it('are empty (the pinned defaults) unless CREWSHIP_AGENT_TOOL_VERSIONS overrides some', () => {
    expect(parseServerConfig({}, {}).agentToolVersions).toEqual({});
    expect(
      parseServerConfig({}, { CREWSHIP_AGENT_TOOL_VERSIONS: ' codex=0.170.0, gemini=1.0.0-rc.1 ,' })
        .agentToolVersions,
    ).toEqual({ codex: '0.170.0', gemini: '1.0.0-rc.1' });
  });

  it('refuse unknown tools, ranges and malformed pairs with a message naming each', () => {
    expect(() => parseServerConfig({}, { CREWSHIP_AGENT_TOOL_VERSIONS: 'cursor=1.0.0' })).toThrow(
      'agentToolVersions: agent tool versions: unknown agent tool "cursor" (known: claude-code, codex, gemini, opencode)',
    );
    expect(() => parseServerConfig({}, { CREWSHIP_AGENT_TOOL_VERSIONS: 'codex=^1.2.0' })).toThrow(
      'agentToolVersions: agent tool versions: codex: must be an exact version such as 1.2.3',
    );
    expect(() => parseServerConfig({}, { CREWSHIP_AGENT_TOOL_VERSIONS: 'codex' })).toThrow(
      'agentToolVersions: "codex" is not tool=version',
    );
  });
});

describe('sealed path settings', () => {
  it('default to the real providers, no host overrides and no bodies in the journal', () => {
    expect(parseServerConfig({}, {})).toMatchObject({
      upstreams: {
        anthropic: 'https://api.anthropic.com',
        openai: 'https://api.openai.com',
        google: 'https://generativelanguage.googleapis.com',
      },
      egressResolve: {},
      journalLlmBodies: false,
      sidecarBundle: undefined,
    });
  });

  it('take upstream URLs and egress host overrides from the environment', () => {
    const config = parseServerConfig(
      {},
      {
        CREWSHIP_UPSTREAM_ANTHROPIC: 'http://127.0.0.1:4000/',
        CREWSHIP_EGRESS_RESOLVE: 'Allowed.Test=127.0.0.1:8081, other.test=[::1]',
        CREWSHIP_JOURNAL_LLM_BODIES: 'true',
      },
    );
    expect(config.upstreams.anthropic).toBe('http://127.0.0.1:4000');
    expect(config.egressResolve).toEqual({ 'allowed.test': '127.0.0.1:8081', 'other.test': '[::1]' });
    expect(config.journalLlmBodies).toBe(true);
  });

  it('refuse a non-http upstream and a malformed host override', () => {
    expect(() => parseServerConfig({}, { CREWSHIP_UPSTREAM_OPENAI: 'ftp://x' })).toThrow(
      'upstreams.openai: must be an http(s) URL',
    );
    expect(() => parseServerConfig({}, { CREWSHIP_EGRESS_RESOLVE: 'a.test=not-an-ip' })).toThrow(
      'egressResolve: "a.test=not-an-ip" is not name=ip[:port]',
    );
  });
});
