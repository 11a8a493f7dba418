export {
  type BatchedJournal,
  type BatchedJournalOptions,
  createBatchedJournal,
} from './batched-journal.js';
export type { JournalOrder } from './journal-cursor.js';
export { toJournalEntryDto } from './journal-entry-dto.js';
export { GENESIS_HASH, journalEntryHash } from './journal-row.js';
export type { ListRunsQuery, OpenRun, RunStatsQuery } from './run-projections.js';
export {
  createSqliteJournal,
  type JournalDraft,
  type JournalFilter,
  type JournalListener,
  type JournalPage,
  type JournalVerification,
  type SqliteJournal,
  type SqliteJournalOptions,
} from './sqlite-journal.js';
