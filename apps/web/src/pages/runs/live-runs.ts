import {
  type ChatStreamLine,
  isCrewshipError,
  type Run,
  type RunStatus,
  TERMINAL_RUN_STATUSES,
} from '@crewship/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { Api } from '../../lib/api';
import { applyAgentEvent, emptyTimeline, settleDrafts, type Timeline } from './timeline-state';

export interface LiveRun {
  runId: string;
  chatId: string;
  status: RunStatus;
  reason: string | null;
  timeline: Timeline;
  /** The run as it ended (from the stream's last line). */
  ended: Run | null;
  /** Some early events were no longer buffered by the server. */
  gap: boolean;
  error: unknown;
  /** The stream gave up (after retries, or on an error retrying cannot fix). */
  failed: boolean;
}

const RETRIES = 5;
const RETRY_MS = 1500;
/** Ended runs kept for when their chat is shown again. */
const KEEP_ENDED = 20;

const isTerminal = (status: string) => (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);

/**
 * Runs being followed, outside React: a stream lives until its run ends, whatever page is shown, so
 * leaving a chat and coming back keeps the whole live timeline and no request is ever cut off.
 */
const runs = new Map<string, LiveRun>();
const listeners = new Set<() => void>();

function update(runId: string, change: (state: LiveRun) => LiveRun) {
  const state = runs.get(runId);
  if (!state) return;
  runs.set(runId, change(state));
  for (const listener of listeners) listener();
}

function forgetOldRuns() {
  const ended = [...runs.values()].filter((state) => state.ended);
  for (const state of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) runs.delete(state.runId);
}

function applyLine(state: LiveRun, line: ChatStreamLine): LiveRun {
  if ('gap' in line) return { ...state, gap: true };
  const event = line.event;
  if (event.kind === 'chat.message' || event.run_id !== state.runId) return state;
  if (event.kind === 'agent.event') {
    return { ...state, error: null, timeline: applyAgentEvent(state.timeline, event.event) };
  }
  return {
    ...state,
    error: null,
    status: event.status,
    reason: event.reason,
    timeline: isTerminal(event.status) ? settleDrafts(state.timeline) : state.timeline,
  };
}

/**
 * Follows a run of a chat over the chat's NDJSON stream from `afterSeq` (what `send` returned, or 0 to
 * replay what the server still buffers). Does nothing when the run is already followed. Reconnects
 * from the last seen seq when the connection drops; once the run ends, refreshes the chat and runs.
 */
export function followRun(
  api: Api,
  queryClient: QueryClient,
  target: { chatId: string; runId: string; afterSeq: number },
): void {
  const { chatId, runId } = target;
  const existing = runs.get(runId);
  if (existing && !existing.failed) return;
  runs.set(runId, {
    runId,
    chatId,
    status: 'running',
    reason: null,
    timeline: emptyTimeline,
    ended: null,
    gap: false,
    error: null,
    failed: false,
  });
  forgetOldRuns();
  for (const listener of listeners) listener();
  let lastSeq = target.afterSeq;
  const finish = async (run: Run) => {
    update(runId, (state) => ({
      ...state,
      error: null,
      status: run.status,
      reason: run.reason,
      ended: run,
      timeline: settleDrafts(state.timeline),
    }));
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['chats'] }),
      queryClient.invalidateQueries({ queryKey: ['runs'] }),
      queryClient.invalidateQueries({ queryKey: ['journal', { trace: runId }] }),
    ]);
  };
  void (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        const stream = await api.chats.stream(chatId, { run: runId, afterSeq: lastSeq });
        for await (const line of stream) {
          if ('seq' in line) lastSeq = line.seq;
          update(runId, (state) => applyLine(state, line));
        }
        await finish((await stream.result).run);
        return;
      } catch (error) {
        const transient = isCrewshipError(error) && error.kind === 'unavailable';
        const failed = !transient || attempt >= RETRIES;
        update(runId, (state) => ({ ...state, error, failed }));
        if (failed) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS * (attempt + 1)));
      }
    }
  })();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The live state of a followed run, re-rendering as its events arrive; null when it is not followed. */
export function useLiveRun(runId: string | null | undefined): LiveRun | null {
  return useSyncExternalStore(subscribe, () => (runId ? (runs.get(runId) ?? null) : null));
}
