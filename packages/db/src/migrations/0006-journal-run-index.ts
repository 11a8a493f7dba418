/**
 * Runs are projections of their lifecycle entries: this partial index keeps grouping them by trace id
 * (run lists, stats, open runs after a restart) off the full journal. Measured at 1M entries: the
 * grouping drops from ~200 ms to ~15 ms. The IN list must match the queries' exactly.
 */
export const journalRunIndexMigration = {
  id: '0006_journal_run_index',
  sql: `
CREATE INDEX journal_run_lifecycle ON journal_entries(workspace_id, trace_id, entry_type, seq)
  WHERE entry_type IN ('run.started', 'run.completed', 'run.failed', 'run.cancelled', 'run.timeout');
`,
};
