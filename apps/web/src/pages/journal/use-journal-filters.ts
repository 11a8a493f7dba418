import { useSearchParams } from 'react-router';
import { toFtsQuery } from './fts-query';

export interface JournalFilters {
  q: string;
  type: string;
  agent: string;
  crew: string;
  /** A run id: the journal's trace id. */
  run: string;
}

const KEYS = ['q', 'type', 'agent', 'crew', 'run'] as const;

/** The journal's filters, kept in the URL so a search can be shared and survives reloads. */
export function useJournalFilters(): {
  filters: JournalFilters;
  setFilters(next: Partial<JournalFilters>): void;
} {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    KEYS.map((key) => [key, params.get(key)?.trim() ?? '']),
  ) as unknown as JournalFilters;
  const setFilters = (next: Partial<JournalFilters>) =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      for (const [key, value] of Object.entries(next)) {
        if (value?.trim()) updated.set(key, value.trim());
        else updated.delete(key);
      }
      return updated;
    });
  return { filters, setFilters };
}

/** The `GET /journal` query for the filters (text search made safe for FTS5). */
export function journalQuery(filters: JournalFilters) {
  return {
    q: filters.q ? toFtsQuery(filters.q) : undefined,
    type: filters.type || undefined,
    agent: filters.agent || undefined,
    crew: filters.crew || undefined,
    trace: filters.run || undefined,
  };
}

/** Whether a live entry belongs in a list filtered this way (the stream filters by type only). */
export function matchesFilters(
  entry: { agent_id: string | null; crew_id: string | null; trace_id: string | null },
  filters: JournalFilters,
): boolean {
  return (
    (!filters.agent || entry.agent_id === filters.agent) &&
    (!filters.crew || entry.crew_id === filters.crew) &&
    (!filters.run || entry.trace_id === filters.run)
  );
}
