import type { ExecResult } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { classifyRunEnd } from './classify-run-end.js';

const exit = (fields: Partial<ExecResult> = {}): ExecResult => ({
  exitCode: 0,
  timedOut: false,
  cancelled: false,
  durationMs: 10,
  ...fields,
});

const okResult = {
  type: 'result' as const,
  ok: true,
  text: 'done',
  duration_ms: null,
  cost_usd: null,
  turns: null,
  usage: null,
  synthetic: false,
};

describe('classifyRunEnd', () => {
  it.each([
    [{ stopReason: 'cancelled', exit: exit({ exitCode: 137, cancelled: true }) }, 'cancelled', 'cancelled'],
    [{ stopReason: 'timeout', exit: exit({ exitCode: 137, cancelled: true }) }, 'timeout', 'timeout'],
    [{ exit: exit({ exitCode: 137, timedOut: true }) }, 'timeout', 'timeout'],
    [
      { stopReason: 'loop_detected', exit: exit({ exitCode: 137, cancelled: true }) },
      'failed',
      'loop_detected',
    ],
    [{ failure: 'container_error' }, 'failed', 'container_error'],
    [{}, 'failed', 'agent_error'],
    [{ exit: exit({ exitCode: 137, cancelled: true }) }, 'cancelled', 'cancelled'],
    [{ exit: exit({ exitCode: 123 }), result: okResult }, 'failed', 'bad_credential'],
    [{ exit: exit({ exitCode: 1 }), result: okResult }, 'failed', 'exit_code'],
    [{ exit: exit(), result: { ...okResult, ok: false } }, 'failed', 'agent_error'],
    [{ exit: exit(), result: okResult }, 'completed', null],
  ] as const)('%o -> %s (%s)', (facts, status, reason) => {
    expect(classifyRunEnd({ stopReason: null, failure: null, exit: null, result: null, ...facts })).toEqual({
      status,
      reason,
    });
  });
});
