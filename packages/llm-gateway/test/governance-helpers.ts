import { type IncomingHttpHeaders, request } from 'node:http';
import type {
  LlmCallAdmission,
  LlmCallGuard,
  LlmCallSubject,
  LlmProvider,
  ModelToolCall,
  ToolCallGate,
} from '@crewship/contracts';
import type { RecordingMetering } from '../src/testing/index.js';

/** Polls `condition` every few ms; rejects with `message` after 5 s (a deadlock guard, not a timing assertion). */
export async function waitUntil(condition: () => boolean, message: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CountingGuard extends LlmCallGuard {
  readonly admits: LlmCallSubject[];
  /** Admissions handed out and not released yet. */
  readonly held: number;
  /** For each release(): how many metering events had been recorded when it was called. */
  readonly releases: number[];
  /** Refuse the next calls with this, or admit them (null). */
  refuse: { status: number; message: string } | null;
  /** When set, admit() waits for this before answering. */
  gate: Promise<void> | null;
}

/** A guard that counts admissions and releases, and notes whether each release came after metering. */
export function createCountingGuard(metering: RecordingMetering): CountingGuard {
  const guard: CountingGuard = {
    admits: [],
    held: 0,
    releases: [],
    refuse: null,
    gate: null,
    async admit(call): Promise<LlmCallAdmission> {
      guard.admits.push(call);
      if (guard.gate) await guard.gate;
      if (guard.refuse) return { allowed: false, ...guard.refuse };
      (guard as { held: number }).held++;
      return {
        allowed: true,
        release() {
          (guard as { held: number }).held--;
          guard.releases.push(metering.events.length);
        },
      };
    },
  };
  return guard;
}

export interface GateCall {
  workspaceId: string;
  crewId: string;
  agentId: string;
  provider: LlmProvider;
  toolCalls: readonly ModelToolCall[];
}

type Verdict = { allowed: true } | { allowed: false; reason: string };

/** A tool gate that answers only when the test says so. */
export interface DeferredGate extends ToolCallGate {
  readonly calls: GateCall[];
  /** Answers the oldest unanswered check. */
  answer(verdict: Verdict | Error): void;
}

export function createDeferredGate(): DeferredGate {
  const pending: ((verdict: Verdict | Error) => void)[] = [];
  const gate: DeferredGate = {
    calls: [],
    check(call) {
      gate.calls.push(call);
      return new Promise((resolve, reject) => {
        pending.push((verdict) => (verdict instanceof Error ? reject(verdict) : resolve(verdict)));
      });
    },
    answer(verdict) {
      const next = pending.shift();
      if (!next) throw new Error('no tool gate check is waiting');
      next(verdict);
    },
  };
  return gate;
}

/** A response read as it arrives. */
export interface LiveResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Bytes received so far. */
  received(): Buffer;
  /** Resolves when the response ended (`complete`) or the connection was cut. */
  readonly done: Promise<{ complete: boolean; body: Buffer }>;
  abort(): void;
}

/** Sends one request over the crew socket and resolves once the response headers are in. */
export function openResponse(
  socketPath: string,
  options: { method?: string; path: string; headers: Record<string, string>; body?: string },
): Promise<LiveResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let finish!: (result: { complete: boolean; body: Buffer }) => void;
    const done = new Promise<{ complete: boolean; body: Buffer }>((settle) => {
      finish = settle;
    });
    const outgoing = request(
      { socketPath, method: options.method ?? 'POST', path: options.path, headers: options.headers },
      (response) => {
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => finish({ complete: true, body: Buffer.concat(chunks) }));
        response.on('error', () => undefined);
        response.on('close', () => finish({ complete: response.complete, body: Buffer.concat(chunks) }));
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          received: () => Buffer.concat(chunks),
          done,
          abort: () => outgoing.destroy(),
        });
      },
    );
    outgoing.on('error', (error) => {
      finish({ complete: false, body: Buffer.concat(chunks) });
      reject(error);
    });
    outgoing.end(options.body);
  });
}
