import {
  type AgentInvocationInput,
  CLI_ADAPTERS,
  CrewshipError,
  PROMPT_STDIN_THRESHOLD_BYTES,
} from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { agentCliAdapter } from './agent-cli-adapter.js';
import { agentEnvironment } from './agent-environment.js';
import { foldSystemPrompt, tomlString } from './invocation-input.js';

const BASE: AgentInvocationInput = {
  agentSlug: 'ada',
  model: null,
  toolProfile: 'CODING',
  systemPrompt: 'Be brief.',
  prompt: 'say hi',
  mcpConfigPath: null,
};
const HOME = '/crew/agents/ada';
const BIG = 'x'.repeat(PROMPT_STDIN_THRESHOLD_BYTES + 1);

describe('every adapter', () => {
  for (const id of CLI_ADAPTERS) {
    it(`${id}: runs its binary by name in the agent dir with the sidecar environment and files`, () => {
      const adapter = agentCliAdapter(id);
      const invocation = adapter.buildInvocation(BASE);
      const environment = agentEnvironment({ agentSlug: 'ada', adapter: id });
      expect(invocation.cmd[0]).toBe(adapter.binary);
      expect(invocation.cwd).toBe(HOME);
      expect(invocation.env).toMatchObject(environment.env);
      expect(invocation.files).toEqual(expect.arrayContaining(environment.files));
      for (const file of invocation.files) expect(file.path.startsWith(`${HOME}/`)).toBe(true);
      // stdin is always given, so no CLI ever waits on an open one.
      expect(typeof invocation.stdin).toBe('string');
      expect(adapter.supportsMcp).toBe(id === 'CLAUDE_CODE');
    });

    it(`${id}: rejects input that could turn into flags or break the exec`, () => {
      const adapter = agentCliAdapter(id);
      for (const bad of [
        { agentSlug: '../etc' },
        { model: '--dangerously-skip-permissions' },
        { model: 'gpt 5' },
        { prompt: '' },
        { prompt: 'a\0b' },
        { systemPrompt: 'a\0b' },
        { mcpConfigPath: 'relative/mcp.json' },
        { toolProfile: 'ROOT' },
      ]) {
        expect(() => adapter.buildInvocation({ ...BASE, ...bad } as AgentInvocationInput)).toThrow(
          CrewshipError,
        );
      }
    });
  }
});

describe('Claude Code', () => {
  const claude = agentCliAdapter('CLAUDE_CODE');

  it('builds the stream-json command with system prompt, model, MCP config and the prompt after --', () => {
    const invocation = claude.buildInvocation({
      ...BASE,
      model: 'claude-sonnet-4-5',
      mcpConfigPath: `${HOME}/.mcp.json`,
    });
    expect(invocation.cmd).toEqual([
      'claude',
      '--print',
      '--output-format',
      'stream-json',
      '--verbose',
      '--include-partial-messages',
      '--system-prompt',
      'Be brief.',
      '--model',
      'claude-sonnet-4-5',
      '--mcp-config',
      `${HOME}/.mcp.json`,
      '--tools',
      'Read,Glob,Grep,WebFetch,WebSearch,Bash,Edit,Write,NotebookEdit',
      '--permission-mode',
      'bypassPermissions',
      '--',
      'say hi',
    ]);
    expect(invocation.stdin).toBe('');
    expect(invocation.env.IS_SANDBOX).toBe('1');
  });

  it('limits the tools per profile', () => {
    const tools = (toolProfile: AgentInvocationInput['toolProfile']) => {
      const cmd = claude.buildInvocation({ ...BASE, toolProfile }).cmd;
      return cmd.includes('--tools') ? cmd[cmd.indexOf('--tools') + 1] : 'default';
    };
    expect(tools('MINIMAL')).toBe('Read,Glob,Grep,WebFetch,WebSearch');
    expect(tools('FULL')).toBe('default');
  });

  it('moves a large system prompt to a file and a large prompt to stdin', () => {
    const invocation = claude.buildInvocation({ ...BASE, systemPrompt: BIG, prompt: `${BIG}!` });
    expect(invocation.cmd).toContain('--system-prompt-file');
    expect(invocation.cmd).not.toContain('--system-prompt');
    expect(invocation.cmd).not.toContain('--');
    expect(invocation.files).toContainEqual({ path: `${HOME}/.crewship/system-prompt.md`, content: BIG });
    expect(invocation.stdin).toBe(`${BIG}!`);
  });

  it('omits the system prompt flag when there is none', () => {
    expect(claude.buildInvocation({ ...BASE, systemPrompt: '' }).cmd).not.toContain('--system-prompt');
  });
});

describe('Codex', () => {
  const codex = agentCliAdapter('CODEX_CLI');

  it('passes the system prompt as TOML developer instructions and the prompt after --', () => {
    const invocation = codex.buildInvocation({ ...BASE, model: 'gpt-5.5', systemPrompt: 'Say "hi"\\n' });
    expect(invocation.cmd).toEqual([
      'codex',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '-m',
      'gpt-5.5',
      '--dangerously-bypass-approvals-and-sandbox',
      '-c',
      'developer_instructions="Say \\"hi\\"\\\\n"',
      '--',
      'say hi',
    ]);
    expect(invocation.stdin).toBe('');
  });

  it('sandboxes MINIMAL read-only', () => {
    expect(codex.buildInvocation({ ...BASE, toolProfile: 'MINIMAL' }).cmd).toContain('read-only');
  });

  it('folds a system prompt too large for argv into the prompt, which then goes over stdin (`-`)', () => {
    const invocation = codex.buildInvocation({ ...BASE, systemPrompt: BIG });
    expect(invocation.cmd.at(-1)).toBe('-');
    expect(invocation.cmd).not.toContain('-c');
    expect(invocation.stdin).toBe(foldSystemPrompt(BIG, 'say hi'));
  });
});

describe('Gemini CLI', () => {
  const gemini = agentCliAdapter('GEMINI_CLI');

  it('uses an explicit model, the system prompt file, the coding policy and the workspace dirs', () => {
    const invocation = gemini.buildInvocation(BASE);
    const policy = `${HOME}/.crewship/gemini-coding-policy.toml`;
    expect(invocation.cmd).toEqual([
      'gemini',
      '--output-format',
      'stream-json',
      '--model=gemini-2.5-flash',
      '--approval-mode',
      'auto_edit',
      '--policy',
      policy,
      '--include-directories',
      '/workspace,/crew/shared,/output/ada',
      '--prompt=say hi',
    ]);
    expect(invocation.env.GEMINI_SYSTEM_MD).toBe(`${HOME}/.crewship/gemini-system.md`);
    expect(invocation.files).toContainEqual({
      path: `${HOME}/.crewship/gemini-system.md`,
      content: 'Be brief.',
    });
    expect(invocation.files.find((file) => file.path === policy)?.content).toContain('run_shell_command');
  });

  it('maps MINIMAL to default approval and FULL to yolo, without a policy', () => {
    for (const [toolProfile, mode] of [
      ['MINIMAL', 'default'],
      ['FULL', 'yolo'],
    ] as const) {
      const cmd = gemini.buildInvocation({ ...BASE, toolProfile }).cmd;
      expect(cmd[cmd.indexOf('--approval-mode') + 1]).toBe(mode);
      expect(cmd).not.toContain('--policy');
    }
  });

  it('keeps its own system prompt when there is none, and reads a large prompt from stdin', () => {
    const invocation = agentCliAdapter('GEMINI_CLI', { workspaceDirectories: () => [] }).buildInvocation({
      ...BASE,
      systemPrompt: '',
      prompt: BIG,
      model: 'gemini-2.5-pro',
    });
    expect(invocation.env.GEMINI_SYSTEM_MD).toBeUndefined();
    expect(invocation.cmd).toContain('--model=gemini-2.5-pro');
    expect(invocation.cmd).not.toContain('--include-directories');
    expect(invocation.cmd.some((arg) => arg.startsWith('--prompt'))).toBe(false);
    expect(invocation.stdin).toBe(BIG);
  });
});

describe('OpenCode', () => {
  const opencode = agentCliAdapter('OPENCODE');

  it('always sends the prompt over stdin and the system prompt as AGENTS.md', () => {
    const invocation = opencode.buildInvocation({ ...BASE, model: 'claude-sonnet-4-5' });
    expect(invocation.cmd).toEqual([
      'opencode',
      'run',
      '--format',
      'json',
      '--title',
      'ada',
      '-m',
      'anthropic/claude-sonnet-4-5',
    ]);
    expect(invocation.stdin).toBe('say hi');
    expect(invocation.files).toContainEqual({ path: `${HOME}/AGENTS.md`, content: 'Be brief.' });
  });

  it('qualifies bare model ids and keeps provider/model ones', () => {
    const model = (value: string) => opencode.buildInvocation({ ...BASE, model: value }).cmd.at(-1);
    expect(model('gpt-5.5')).toBe('openai/gpt-5.5');
    expect(model('openrouter/some-model')).toBe('openrouter/some-model');
  });

  it('sets permissions per profile through OPENCODE_CONFIG_CONTENT', () => {
    const permission = (toolProfile: AgentInvocationInput['toolProfile']) =>
      JSON.parse(opencode.buildInvocation({ ...BASE, toolProfile }).env.OPENCODE_CONFIG_CONTENT ?? '{}')
        .permission;
    expect(permission('MINIMAL')).toMatchObject({ edit: 'deny', bash: 'deny' });
    expect(permission('CODING')).toMatchObject({ edit: 'allow', bash: 'allow', external_directory: 'allow' });
    expect(permission('FULL')).toBe('allow');
  });
});

describe('Cursor CLI and Factory Droid', () => {
  it('Cursor folds the system prompt in and is read-only (--mode ask) under MINIMAL', () => {
    const cursor = agentCliAdapter('CURSOR_CLI');
    expect(cursor.buildInvocation({ ...BASE, toolProfile: 'MINIMAL', model: 'gpt-5' }).cmd).toEqual([
      'cursor-agent',
      '-p',
      '--output-format',
      'stream-json',
      '--stream-partial-output',
      '--trust',
      '--mode',
      'ask',
      '--model',
      'gpt-5',
      '--',
      foldSystemPrompt('Be brief.', 'say hi'),
    ]);
    const big = cursor.buildInvocation({ ...BASE, prompt: BIG });
    expect(big.cmd.at(-1)).toBe('--force');
    expect(big.stdin).toBe(foldSystemPrompt('Be brief.', BIG));
  });

  it('Droid maps the profile to its autonomy level', () => {
    const droid = agentCliAdapter('FACTORY_DROID');
    const level = (toolProfile: AgentInvocationInput['toolProfile']) => {
      const cmd = droid.buildInvocation({ ...BASE, toolProfile }).cmd;
      return cmd[cmd.indexOf('--auto') + 1];
    };
    expect([level('MINIMAL'), level('CODING'), level('FULL')]).toEqual(['low', 'medium', 'high']);
    expect(droid.buildInvocation({ ...BASE, model: 'gpt-5' }).cmd).toEqual([
      'droid',
      'exec',
      '--auto',
      'medium',
      '-o',
      'stream-json',
      '-m',
      'gpt-5',
      '--',
      foldSystemPrompt('Be brief.', 'say hi'),
    ]);
  });
});

describe('helpers', () => {
  it('foldSystemPrompt leaves the prompt alone without instructions', () => {
    expect(foldSystemPrompt('  ', 'hi')).toBe('hi');
  });

  it('tomlString escapes what TOML basic strings forbid', () => {
    expect(tomlString('a"b\\c\nd\te\u0001f\u007fg é')).toBe('"a\\"b\\\\c\\nd\\te\\u0001f\\u007fg é"');
  });
});
