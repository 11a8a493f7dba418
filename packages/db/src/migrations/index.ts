import { accountsMigration } from './0001-accounts.js';
import { crewsMigration } from './0002-crews.js';
import { credentialsMigration } from './0003-credentials.js';
import { journalMigration } from './0004-journal.js';
import { chatsMigration } from './0005-chats.js';
import { journalRunIndexMigration } from './0006-journal-run-index.js';
import { governanceMigration } from './0007-governance.js';

export interface Migration {
  id: string;
  sql: string;
}

/** Every migration in order. Append only: never edit or reorder a shipped migration. */
export const MIGRATIONS: readonly Migration[] = [
  accountsMigration,
  crewsMigration,
  credentialsMigration,
  journalMigration,
  chatsMigration,
  journalRunIndexMigration,
  governanceMigration,
];
