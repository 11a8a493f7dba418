export {
  createSqliteJournal,
  GENESIS_HASH,
  type JournalFilter,
  type JournalVerification,
  journalEntryHash,
  type SqliteJournal,
  type SqliteJournalOptions,
} from './sqlite-journal.js';
