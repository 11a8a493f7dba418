import type { JournalEntryInput } from '@crewship/contracts';

/** Run ids sort like the ULIDs the orchestrator uses: in the order the runs started. */
export const benchRunId = (run: number) => `run-${String(run).padStart(8, '0')}`;

/** Deterministic PRNG (mulberry32), so every run benchmarks the same entries. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = `the a to of and in is it for that this on with as be are file test run error function
return value type module import export const let async await build install package npm node tsc lint
fix update change add remove check read write open close create delete config json src index server
client request response status code line output input path directory command exit done ok failed
passed warning debug info user agent crew tool call result text model token cost budget cache`.split(/\s+/);
const TECH = `vitest eslint biome webpack vite rollup esbuild prisma drizzle sqlite postgres redis docker
kubernetes nginx hono express fastify react vue svelte tailwind zod typescript javascript python rust go
bash curl git rebase merge commit branch checkout stash diff patch migration schema query index trigger
transaction rollback timeout retry backoff socket stream buffer pipe spawn exec signal sigterm sigkill
segfault heap stack trace exception assertion snapshot fixture mock stub spy coverage benchmark latency
throughput memory leak deadlock mutex semaphore queue worker thread cluster replica shard partition
certificate tls handshake proxy gateway upstream downstream header cookie session oauth jwt bcrypt
argon2 sha256 hmac nonce ciphertext plaintext vault secret credential scrubber redacted allowlist egress`.split(
  /\s+/,
);

/**
 * A word: mostly common ones, some technical, and a long tail of rare tokens (ids, hashes) and snake_case
 * identifiers (the tokenizer splits those at "_", so searching one is a two-token phrase query).
 */
function word(next: () => number): string {
  const roll = next();
  if (roll < 0.6) return COMMON[Math.floor(next() ** 2 * COMMON.length)]!;
  if (roll < 0.85) return TECH[Math.floor(next() * TECH.length)]!;
  if (roll < 0.95) return rareToken(next);
  return `${TECH[Math.floor(next() * TECH.length)]}_${COMMON[Math.floor(next() * COMMON.length)]}`;
}

/** One of ~200k ids such as `r4k2p`: each occurs in a handful of entries per million. */
export function rareToken(next: () => number): string {
  return `r${Math.floor(next() * 200_000).toString(36)}`;
}

function sentence(next: () => number, words: number): string {
  const parts: string[] = [];
  for (let index = 0; index < words; index++) parts.push(word(next));
  return parts.join(' ');
}

/**
 * Runs of 40 entries shaped like an agent's: `run.started`, text, tool calls and results, thinking, LLM
 * calls, and a terminal entry (1 run in 50 is left running). One run in ten is in a second workspace.
 */
export function* benchEntries(count: number, seed = 42): Generator<JournalEntryInput> {
  const next = random(seed);
  let run = 0;
  for (let index = 0; index < count; index++) {
    if (index % 40 === 0) run += 1;
    const base = {
      workspaceId: run % 10 === 9 ? 'workspace-2' : 'workspace-1',
      crewId: `crew-${run % 5}`,
      agentId: `agent-${run % 12}`,
      traceId: benchRunId(run),
      actor: `agent:agent-${run % 12}`,
    };
    if (index % 40 === 0) {
      const prompt = sentence(next, 12);
      yield {
        ...base,
        actor: 'user:owner',
        entryType: 'run.started',
        summary: `Run started: agent-${run % 12} (claude-code)`,
        payload: {
          chat_id: `chat-${run % 300}`,
          prompt_preview: prompt,
          adapter: 'claude-code',
          model: null,
        },
      };
      continue;
    }
    if (index % 40 === 39 && run % 50 !== 0) {
      const status = run % 25 === 0 ? 'failed' : run % 40 === 0 ? 'cancelled' : 'completed';
      yield {
        ...base,
        actor: 'system',
        entryType: `run.${status}`,
        summary: `Run ${status}: agent-${run % 12}`,
        payload: {
          reason: status === 'completed' ? null : status === 'failed' ? 'exit_code' : 'cancelled',
          duration_ms: Math.floor(next() * 600_000),
          cost_usd: Math.round(next() * 100_000) / 100_000,
          turns: 1 + Math.floor(next() * 30),
          usage: {
            input_tokens: Math.floor(next() * 200_000),
            output_tokens: Math.floor(next() * 20_000),
            cache_read_tokens: 0,
            cache_write_tokens: 0,
          },
          exit_code: status === 'failed' ? 1 : 0,
        },
      };
      continue;
    }
    const roll = next();
    if (roll < 0.35) {
      const text = sentence(next, 15 + Math.floor(next() * 25));
      yield { ...base, entryType: 'agent.text', summary: text.slice(0, 120), payload: { text } };
    } else if (roll < 0.55) {
      const command = `npm run ${word(next)} -- src/${word(next)}/${word(next)}.ts`;
      yield {
        ...base,
        entryType: 'agent.tool_use',
        summary: `Bash: ${command}`,
        payload: { id: `toolu_${index}`, name: 'Bash', input: { command } },
      };
    } else if (roll < 0.75) {
      const output = sentence(next, 20 + Math.floor(next() * 30));
      yield {
        ...base,
        entryType: 'agent.tool_result',
        summary: output.slice(0, 120),
        payload: { tool_use_id: `toolu_${index - 1}`, output, is_error: next() < 0.1 },
      };
    } else if (roll < 0.85) {
      const text = sentence(next, 10 + Math.floor(next() * 20));
      yield { ...base, entryType: 'agent.thinking', summary: text.slice(0, 120), payload: { text } };
    } else {
      yield {
        ...base,
        entryType: 'llm.call',
        severity: 'debug',
        summary: `POST /v1/messages claude-sonnet-4 ${Math.floor(next() * 900) + 100} ms`,
        payload: {
          provider: 'anthropic',
          model: 'claude-sonnet-4',
          status: 200,
          input_tokens: Math.floor(next() * 20000),
          output_tokens: Math.floor(next() * 2000),
          cost_usd: Math.round(next() * 10000) / 100000,
        },
      };
    }
  }
}
