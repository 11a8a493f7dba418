/**
 * Governance: Paymaster's rate card, cost ledger and budgets; approval rules and the approvals queue;
 * Keeper rules per workspace; the inbox. Money is stored in micro-dollars (INTEGER) so sums are exact.
 */
export const governanceMigration = {
  id: '0007_governance',
  sql: `
CREATE TABLE rate_card (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  input_per_m REAL NOT NULL CHECK (input_per_m >= 0),
  output_per_m REAL NOT NULL CHECK (output_per_m >= 0),
  cache_read_per_m REAL NOT NULL CHECK (cache_read_per_m >= 0),
  cache_write_per_m REAL NOT NULL CHECK (cache_write_per_m >= 0),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, provider, model)
);

CREATE TABLE cost_ledger (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  crew_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  credential_id TEXT,
  provider TEXT NOT NULL,
  model TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  cost_micros INTEGER,
  billing_mode TEXT NOT NULL CHECK (billing_mode IN ('api','subscription')),
  cost_confidence TEXT NOT NULL CHECK (cost_confidence IN ('exact','unpriced','cli_reported')),
  rate_input_per_m REAL,
  rate_output_per_m REAL,
  rate_cache_read_per_m REAL,
  rate_cache_write_per_m REAL,
  status INTEGER,
  source TEXT NOT NULL DEFAULT 'gateway' CHECK (source IN ('gateway','cli'))
);
CREATE INDEX cost_ledger_workspace_at ON cost_ledger(workspace_id, at);
CREATE INDEX cost_ledger_crew_at ON cost_ledger(crew_id, at);
CREATE INDEX cost_ledger_agent_at ON cost_ledger(agent_id, at);
CREATE INDEX cost_ledger_run ON cost_ledger(run_id) WHERE run_id IS NOT NULL;
CREATE INDEX cost_ledger_billing ON cost_ledger(workspace_id, billing_mode);

CREATE TABLE budget_limits (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  scope TEXT NOT NULL CHECK (scope IN ('workspace','crew','agent')),
  scope_id TEXT NOT NULL,
  window TEXT NOT NULL CHECK (window IN ('day','week','month')),
  mode TEXT NOT NULL CHECK (mode IN ('soft','hard')),
  limit_micros INTEGER CHECK (limit_micros IS NULL OR limit_micros >= 0),
  limit_tokens INTEGER CHECK (limit_tokens IS NULL OR limit_tokens >= 0),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (limit_micros IS NOT NULL OR limit_tokens IS NOT NULL),
  UNIQUE (workspace_id, scope, scope_id, window)
);

-- One warning and one exceeded alert per budget and window.
CREATE TABLE budget_alerts (
  budget_id TEXT NOT NULL REFERENCES budget_limits(id) ON DELETE CASCADE,
  window_start TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('warning','exceeded')),
  at TEXT NOT NULL,
  PRIMARY KEY (budget_id, window_start, level)
);

CREATE TABLE approval_rules (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  rules_json TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE approvals_queue (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  crew_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  rule_name TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('run_start','tool_use')),
  mode TEXT NOT NULL CHECK (mode IN ('none','async','sync')),
  status TEXT NOT NULL CHECK (status IN ('pending','approved','denied','timed_out','logged','cancelled')),
  summary TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  expires_at TEXT,
  decided_at TEXT,
  decided_by TEXT,
  note TEXT
);
CREATE INDEX approvals_queue_workspace ON approvals_queue(workspace_id, requested_at);
CREATE INDEX approvals_queue_pending ON approvals_queue(workspace_id, status) WHERE status = 'pending';
CREATE INDEX approvals_queue_run ON approvals_queue(run_id) WHERE run_id IS NOT NULL;

CREATE TABLE keeper_rules (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  yaml TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE inbox_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('approval','escalation','failed_run','budget_warning','budget_exceeded','agent_reply')),
  target_user_id TEXT,
  target_role TEXT CHECK (target_role IS NULL OR target_role IN ('OWNER','ADMIN','MANAGER','MEMBER','VIEWER')),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  ref_type TEXT,
  ref_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('unread','read','resolved','archived')),
  created_at TEXT NOT NULL,
  read_at TEXT,
  resolved_at TEXT,
  resolved_by TEXT,
  CHECK ((target_user_id IS NULL) <> (target_role IS NULL))
);
CREATE INDEX inbox_items_workspace ON inbox_items(workspace_id, status, seq);
CREATE INDEX inbox_items_ref ON inbox_items(workspace_id, ref_type, ref_id) WHERE ref_id IS NOT NULL;
`,
};
