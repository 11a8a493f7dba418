import type { JournalEntry, JournalEntryDto } from '@crewship/contracts';

/** The API shape of an entry (`journalEntrySchema`, snake_case). */
export function toJournalEntryDto(entry: JournalEntry): JournalEntryDto {
  return {
    id: entry.id,
    seq: entry.seq,
    at: entry.at,
    workspace_id: entry.workspaceId,
    crew_id: entry.crewId,
    agent_id: entry.agentId,
    trace_id: entry.traceId,
    entry_type: entry.entryType,
    severity: entry.severity,
    actor: entry.actor,
    summary: entry.summary,
    payload: entry.payload,
    prev_hash: entry.prevHash,
    entry_hash: entry.entryHash,
  };
}
