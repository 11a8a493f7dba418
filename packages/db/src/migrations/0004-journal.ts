/**
 * The audit journal: append-only (UPDATE and DELETE abort), one SHA-256 hash chain over `seq`, and an
 * FTS5 mirror of summary + payload kept by an insert trigger. No foreign keys: entries outlive the
 * workspaces, crews and agents they name.
 */
export const journalMigration = {
  id: '0004_journal',
  sql: `
CREATE TABLE journal_entries (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  crew_id TEXT,
  agent_id TEXT,
  trace_id TEXT,
  entry_type TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('debug','info','warn','error')),
  actor TEXT NOT NULL,
  summary TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  entry_hash TEXT NOT NULL
);
CREATE INDEX journal_workspace_seq ON journal_entries(workspace_id, seq);
CREATE INDEX journal_workspace_type ON journal_entries(workspace_id, entry_type, seq);
CREATE INDEX journal_trace ON journal_entries(trace_id, seq) WHERE trace_id IS NOT NULL;

CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;

CREATE VIRTUAL TABLE journal_fts USING fts5(summary, payload, content='journal_entries', content_rowid='seq');
CREATE TRIGGER journal_entries_fts AFTER INSERT ON journal_entries
BEGIN INSERT INTO journal_fts(rowid, summary, payload) VALUES (new.seq, new.summary, new.payload); END;
`,
};
