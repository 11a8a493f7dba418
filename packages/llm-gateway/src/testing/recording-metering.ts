import type { MeteringEvent, MeteringSink } from '@crewship/contracts';

export interface RecordingMetering extends MeteringSink {
  readonly events: MeteringEvent[];
  /** Resolves once `count` events were recorded (they are recorded when the response body ends). */
  waitFor(count?: number): Promise<MeteringEvent[]>;
}

/** A MeteringSink that keeps events in memory. */
export function createRecordingMetering(): RecordingMetering {
  const events: MeteringEvent[] = [];
  const waiters = new Set<() => void>();
  return {
    events,
    record(event) {
      events.push(event);
      for (const wake of [...waiters]) wake();
    },
    waitFor(count = 1) {
      return new Promise((resolve) => {
        const check = () => {
          if (events.length < count) return;
          waiters.delete(check);
          resolve([...events]);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
