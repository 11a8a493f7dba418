import type {
  AgentCliAdapter,
  AgentEvent,
  AgentInvocationInput,
  AgentStreamParser,
  CliAdapter,
} from '@crewship/contracts';

/**
 * Lines the fake agent CLI prints, one JSON object each (`{"t":"text","v":"…"}`); the fake adapter's
 * parser turns them into `AgentEvent`s. Anything else on stdout or stderr is ignored.
 */
export const fakeAgentLine = {
  text: (text: string) => JSON.stringify({ t: 'text', v: text }),
  delta: (text: string) => JSON.stringify({ t: 'delta', v: text }),
  thinking: (text: string) => JSON.stringify({ t: 'thinking', v: text }),
  tool: (id: string, name: string, input: unknown) => JSON.stringify({ t: 'tool', id, name, input }),
  toolResult: (id: string, output: string, isError = false) =>
    JSON.stringify({ t: 'tool_result', id, v: output, error: isError }),
  usage: (input: number, output: number, model: string | null = null) =>
    JSON.stringify({ t: 'usage', in: input, out: output, model }),
  result: (
    text: string,
    fields: { ok?: boolean; cost?: number; turns?: number; ms?: number; in?: number; out?: number } = {},
  ) => JSON.stringify({ t: 'result', v: text, ...fields }),
  error: (message: string) => JSON.stringify({ t: 'error', v: message }),
};

type Line = Record<string, unknown>;

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' ? value : null);

function usage(line: Line) {
  return {
    input_tokens: num(line.in) ?? 0,
    output_tokens: num(line.out) ?? 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
  };
}

function toEvent(line: Line): AgentEvent | null {
  switch (line.t) {
    case 'text':
      return { type: 'text', text: str(line.v) };
    case 'delta':
      return { type: 'text_delta', text: str(line.v) };
    case 'thinking':
      return { type: 'thinking', text: str(line.v) };
    case 'tool':
      return { type: 'tool_use', id: str(line.id), name: str(line.name), input: line.input };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: str(line.id),
        output: str(line.v),
        is_error: line.error === true,
      };
    case 'usage':
      return { type: 'usage', model: typeof line.model === 'string' ? line.model : null, usage: usage(line) };
    case 'result':
      return {
        type: 'result',
        ok: line.ok !== false,
        text: str(line.v),
        duration_ms: num(line.ms),
        cost_usd: num(line.cost),
        turns: num(line.turns),
        usage: line.in === undefined && line.out === undefined ? null : usage(line),
        synthetic: false,
      };
    case 'error':
      return { type: 'error', message: str(line.v) };
    default:
      return null;
  }
}

function createFakeParser(): AgentStreamParser {
  let sawResult = false;
  return {
    push(line, stream) {
      if (stream !== 'stdout') return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return [];
      }
      if (parsed === null || typeof parsed !== 'object') return [];
      const event = toEvent(parsed as Line);
      if (!event) return [];
      if (event.type === 'result') sawResult = true;
      return [event];
    },
    end({ exitCode, durationMs }) {
      if (sawResult) return [];
      return [
        {
          type: 'result',
          ok: exitCode === 0,
          text: '',
          duration_ms: durationMs,
          cost_usd: null,
          turns: null,
          usage: null,
          synthetic: true,
        },
      ];
    },
  };
}

export interface FakeAgentCliAdapter extends AgentCliAdapter {
  /** Every `buildInvocation` input, in order. */
  readonly invocations: AgentInvocationInput[];
}

/** An adapter for the fake CLI: prompt over stdin, system prompt as a file in the agent's directory. */
export function createFakeAgentCliAdapter(id: CliAdapter = 'CLAUDE_CODE'): FakeAgentCliAdapter {
  const invocations: AgentInvocationInput[] = [];
  return {
    id,
    binary: 'fake-agent',
    supportsMcp: false,
    invocations,
    buildInvocation(input) {
      invocations.push(input);
      const home = `/crew/agents/${input.agentSlug}`;
      return {
        cmd: ['fake-agent', '--system-prompt-file', `${home}/.fake-agent/system.md`],
        stdin: input.prompt,
        env: { FAKE_AGENT_MODEL: input.model ?? 'default' },
        files: [{ path: `${home}/.fake-agent/system.md`, content: input.systemPrompt }],
        cwd: home,
      };
    },
    createParser: createFakeParser,
  };
}
