import {
  type AgentEvent,
  BAD_CREDENTIAL_EXIT_CODE,
  type ExecResult,
  type GovernanceStopReason,
  type RunFailureReason,
  type TerminalRunStatus,
} from '@crewship/contracts';

/** Why the orchestrator itself stopped a run before the agent finished. */
export type StopReason = 'cancelled' | 'timeout' | 'loop_detected' | GovernanceStopReason;

export interface RunEndFacts {
  stopReason: StopReason | null;
  /** Set when the run failed before or outside the agent process (sandbox, adapter). */
  failure: RunFailureReason | null;
  exit: ExecResult | null;
  result: Extract<AgentEvent, { type: 'result' }> | null;
}

/** Maps how a run ended to its terminal status; the orchestrator's own stop reasons win. */
export function classifyRunEnd(facts: RunEndFacts): {
  status: TerminalRunStatus;
  reason: RunFailureReason | null;
} {
  const { stopReason, failure, exit, result } = facts;
  if (stopReason === 'cancelled') return { status: 'cancelled', reason: 'cancelled' };
  if (stopReason === 'timeout' || exit?.timedOut) return { status: 'timeout', reason: 'timeout' };
  if (
    stopReason === 'loop_detected' ||
    stopReason === 'budget_exceeded' ||
    stopReason === 'approval_denied'
  ) {
    return { status: 'failed', reason: stopReason };
  }
  if (failure) return { status: 'failed', reason: failure };
  if (!exit) return { status: 'failed', reason: 'agent_error' };
  if (exit.cancelled) return { status: 'cancelled', reason: 'cancelled' };
  if (exit.exitCode === BAD_CREDENTIAL_EXIT_CODE) return { status: 'failed', reason: 'bad_credential' };
  if (exit.exitCode !== 0) return { status: 'failed', reason: 'exit_code' };
  if (result && !result.ok) return { status: 'failed', reason: 'agent_error' };
  return { status: 'completed', reason: null };
}
