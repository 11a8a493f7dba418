import type { JournalEntry, JournalEntryInput, JournalWriter } from '@crewship/contracts';

export interface RecordingJournal extends JournalWriter {
  readonly entries: JournalEntry[];
  /** Resolves once `count` entries of `entryType` were appended (they are written after the response). */
  waitFor(entryType: string, count?: number): Promise<JournalEntry[]>;
}

/** A JournalWriter that keeps entries in memory, with a fake hash chain. */
export function createRecordingJournal(): RecordingJournal {
  const entries: JournalEntry[] = [];
  const waiters = new Set<() => void>();
  const ofType = (entryType: string) => entries.filter((entry) => entry.entryType === entryType);
  return {
    entries,
    async append(input: JournalEntryInput) {
      const entry: JournalEntry = {
        id: `entry-${entries.length + 1}`,
        seq: entries.length + 1,
        at: new Date().toISOString(),
        workspaceId: input.workspaceId,
        crewId: input.crewId ?? null,
        agentId: input.agentId ?? null,
        traceId: input.traceId ?? null,
        entryType: input.entryType,
        severity: input.severity ?? 'info',
        actor: input.actor,
        summary: input.summary,
        payload: input.payload ?? {},
        prevHash: '',
        entryHash: '',
      };
      entries.push(entry);
      for (const wake of [...waiters]) wake();
      return entry;
    },
    waitFor(entryType, count = 1) {
      return new Promise((resolve) => {
        const check = () => {
          const found = ofType(entryType);
          if (found.length < count) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
