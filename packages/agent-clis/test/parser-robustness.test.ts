import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentEvent, agentEventSchema, CLI_ADAPTERS, type CliAdapter } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { agentCliAdapter } from '../src/index.js';

/**
 * Property-style: every parser, fed real lines mangled at random (seeded, so failures replay) plus
 * garbage, huge and deeply nested lines, never throws, only returns schema-valid events, and ends with
 * exactly one result.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const RUNS_PER_PARSER = 150;

/** Documented shapes of the CLIs we cannot record (see test/stand-ins). */
const DOCUMENTED_LINES = [
  '{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},"session_id":"s","timestamp_ms":1}',
  '{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},"session_id":"s","model_call_id":"m"}',
  '{"type":"thinking","subtype":"delta","text":"hm","session_id":"s"}',
  '{"type":"thinking","subtype":"completed","session_id":"s"}',
  '{"type":"tool_call","subtype":"started","call_id":"c1","tool_call":{"readToolCall":{"args":{"path":"a"}}}}',
  '{"type":"tool_call","subtype":"completed","call_id":"c1","tool_call":{"readToolCall":{"args":{"path":"a"},"result":{"success":{"content":"x"}}}}}',
  '{"type":"tool_call","subtype":"started","call_id":"c2","tool_call":{"function":{"name":"f","arguments":"{\\"a\\":1}"}}}',
  '{"type":"result","subtype":"success","duration_ms":5,"is_error":false,"result":"Hi","session_id":"s","usage":{"inputTokens":1,"outputTokens":2}}',
  '{"type":"message","role":"assistant","id":"m","text":"Hi","timestamp":1,"session_id":"s"}',
  '{"type":"tool_call","id":"t1","messageId":"m","toolId":"Read","toolName":"Read","parameters":{"file_path":"a"},"timestamp":1,"session_id":"s"}',
  '{"type":"tool_result","id":"t1","messageId":"m","toolId":"Read","isError":false,"value":"x","timestamp":1,"session_id":"s"}',
  '{"type":"tool_result","messageId":"m","toolId":"Read","isError":true,"error":{"type":"e","message":"no"},"timestamp":1,"session_id":"s"}',
  '{"type":"error","source":"cli","message":"boom","timestamp":1}',
  '{"type":"completion","finalText":"Hi","numTurns":1,"durationMs":9,"session_id":"s"}',
];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = [
  'assistant',
  'user',
  'result',
  'stream_event',
  'system',
  'item.started',
  'item.completed',
  'turn.completed',
  'turn.failed',
  'error',
  'message',
  'tool_use',
  'tool_result',
  'text',
  'step_finish',
  'reasoning',
  'tool_call',
  'thinking',
  'completion',
  'init',
];

function randomValue(next: () => number, depth = 0): unknown {
  const choice = Math.floor(next() * 14);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return -1;
    case 2:
      return 1e308;
    case 3:
      return -1e308;
    case 4:
      return 0.5;
    case 5:
      return '';
    case 6:
      return 'x'.repeat(Math.floor(next() * 50));
    case 7:
      return next() < 0.5;
    case 8:
      return depth > 3 ? [] : [randomValue(next, depth + 1), randomValue(next, depth + 1)];
    case 9:
      return depth > 3
        ? {}
        : { type: TYPES[Math.floor(next() * TYPES.length)], text: randomValue(next, depth + 1) };
    case 10:
      return TYPES[Math.floor(next() * TYPES.length)];
    case 11:
      return '\u0000\ud800\u202e';
    case 12:
      return Number.MAX_SAFE_INTEGER * 4;
    default:
      return { __proto__: { polluted: true }, constructor: 'x' };
  }
}

/** Replaces, deletes or retypes one random node of a parsed line. */
function mutate(value: unknown, next: () => number): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0 || next() < 0.2) return randomValue(next);
    const copy = [...value];
    const index = Math.floor(next() * copy.length);
    copy[index] = mutate(copy[index], next);
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const roll = next();
    if (keys.length === 0 || roll < 0.15) return randomValue(next);
    const key = keys[Math.floor(next() * keys.length)] as string;
    if (roll < 0.3) delete copy[key];
    else if (roll < 0.4) copy.type = TYPES[Math.floor(next() * TYPES.length)];
    else copy[key] = mutate(copy[key], next);
    return copy;
  }
  return next() < 0.7 ? randomValue(next) : value;
}

function garbage(next: () => number): string {
  const length = Math.floor(next() * 200);
  let text = next() < 0.5 ? '{' : '';
  for (let index = 0; index < length; index += 1) text += String.fromCharCode(Math.floor(next() * 0x3000));
  return text;
}

async function seedLines(): Promise<string[]> {
  const lines = [...DOCUMENTED_LINES];
  for (const file of await readdir(FIXTURES)) {
    for (const line of (await readFile(join(FIXTURES, file), 'utf8')).split('\n')) if (line) lines.push(line);
  }
  return lines;
}

function checkEvents(events: unknown[], adapter: CliAdapter): asserts events is AgentEvent[] {
  for (const event of events) {
    const parsed = agentEventSchema.safeParse(event);
    expect(parsed.success, `${adapter}: ${JSON.stringify(event)}`).toBe(true);
  }
}

describe.each(CLI_ADAPTERS)('the %s parser on hostile input', (adapter) => {
  it('never throws, emits only valid events and exactly one result', async () => {
    const seeds = await seedLines();
    for (let run = 0; run < RUNS_PER_PARSER; run += 1) {
      const next = random(run * 7919 + adapter.length);
      const parser = agentCliAdapter(adapter).createParser();
      const events: AgentEvent[] = [];
      const count = 1 + Math.floor(next() * 30);
      for (let index = 0; index < count; index += 1) {
        const seed = seeds[Math.floor(next() * seeds.length)] as string;
        const roll = next();
        let line: string;
        if (roll < 0.15) line = garbage(next);
        else if (roll < 0.3) line = seed.slice(0, Math.floor(next() * seed.length));
        else if (roll < 0.85) line = JSON.stringify(mutate(JSON.parse(seed), next)) ?? 'null';
        else line = seed;
        const stream = next() < 0.1 ? 'stderr' : 'stdout';
        const produced = parser.push(line, stream);
        checkEvents(produced, adapter);
        events.push(...produced);
      }
      const exitCode = next() < 0.5 ? 0 : Math.floor(next() * 256) - 1;
      const ending = parser.end({ exitCode, durationMs: next() < 0.1 ? Number.NaN : next() * 1000 });
      checkEvents(ending, adapter);
      events.push(...ending);
      expect(
        events.filter((event) => event.type === 'result'),
        `run ${run}`,
      ).toHaveLength(1);
      expect(parser.push(seeds[0] as string, 'stdout')).toEqual([]);
      expect(parser.end({ exitCode: 0, durationMs: 1 })).toEqual([]);
    }
  });

  it('survives huge, deeply nested and non-string lines', () => {
    const parser = agentCliAdapter(adapter).createParser();
    const hostile: unknown[] = [
      `{"type":"assistant","text":"${'a'.repeat(17 * 1024 * 1024)}"}`,
      JSON.stringify({
        type: 'message',
        role: 'assistant',
        content: 'b'.repeat(2 * 1024 * 1024),
        delta: true,
      }),
      `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      `{"type":"assistant","message":{"content":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`,
      `{"type":"tool_use","part":${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}}`,
      undefined,
      null,
      42,
      { type: 'result' },
      '{"type":"result","__proto__":{"ok":true}}',
    ];
    for (const line of hostile) {
      checkEvents(parser.push(line as string, 'stdout'), adapter);
      checkEvents(parser.push(line as string, 'stderr'), adapter);
    }
    const ending = parser.end({ exitCode: 0, durationMs: 1 });
    checkEvents(ending, adapter);
  });
});
