import { createHash } from 'node:crypto';
import type { JournalEntry, JournalSeverity } from '@crewship/contracts';

export const GENESIS_HASH = '0'.repeat(64);

/** A `journal_entries` row as SQLite returns it. */
export interface JournalRow {
  seq: number;
  id: string;
  at: string;
  workspace_id: string;
  crew_id: string | null;
  agent_id: string | null;
  trace_id: string | null;
  entry_type: string;
  severity: JournalSeverity;
  actor: string;
  summary: string;
  payload: string;
  prev_hash: string;
  entry_hash: string;
}

export type UnhashedRow = Omit<JournalRow, 'prev_hash' | 'entry_hash'>;

/** SHA-256 over the previous hash and every stored column of the entry, in a fixed order. */
export function journalEntryHash(prevHash: string, row: UnhashedRow): string {
  const fields = [
    row.seq,
    row.id,
    row.at,
    row.workspace_id,
    row.crew_id,
    row.agent_id,
    row.trace_id,
    row.entry_type,
    row.severity,
    row.actor,
    row.summary,
    row.payload,
  ];
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

export function rowToEntry(row: JournalRow): JournalEntry {
  return {
    id: row.id,
    seq: row.seq,
    at: row.at,
    workspaceId: row.workspace_id,
    crewId: row.crew_id,
    agentId: row.agent_id,
    traceId: row.trace_id,
    entryType: row.entry_type,
    severity: row.severity,
    actor: row.actor,
    summary: row.summary,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
  };
}
