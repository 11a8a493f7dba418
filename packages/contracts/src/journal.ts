export const JOURNAL_SEVERITIES = ['debug', 'info', 'warn', 'error'] as const;
export type JournalSeverity = (typeof JOURNAL_SEVERITIES)[number];

/** What a caller appends; the journal adds id, time, sequence and the hash chain. */
export interface JournalEntryInput {
  workspaceId: string;
  crewId?: string | null;
  agentId?: string | null;
  /** Groups the entries of one run (trace id = run id). */
  traceId?: string | null;
  /** Dotted type such as `llm.call`, `egress.denied`, `run.started`. */
  entryType: string;
  severity?: JournalSeverity;
  /** Who did it: `user:<id>`, `agent:<slug>`, `system`. */
  actor: string;
  summary: string;
  payload?: Record<string, unknown>;
}

export interface JournalEntry {
  id: string;
  seq: number;
  at: string;
  workspaceId: string;
  crewId: string | null;
  agentId: string | null;
  traceId: string | null;
  entryType: string;
  severity: JournalSeverity;
  actor: string;
  summary: string;
  payload: Record<string, unknown>;
  prevHash: string;
  entryHash: string;
}

/** Where features write audit entries. Entries are scrubbed before they are stored. */
export interface JournalWriter {
  append(entry: JournalEntryInput): Promise<JournalEntry>;
}
