export const crewsMigration = {
  id: '0002_crews',
  sql: `
CREATE TABLE crews (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  slug TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  runtime_image TEXT NOT NULL,
  network_mode TEXT NOT NULL CHECK (network_mode IN ('restricted','free')),
  allowed_domains TEXT NOT NULL DEFAULT '[]',
  memory_mb INTEGER NOT NULL,
  cpus REAL NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CONSTRAINT crews_workspace_slug UNIQUE (workspace_id, slug)
);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  crew_id TEXT NOT NULL REFERENCES crews(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  slug TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('LEAD','MEMBER')),
  cli_adapter TEXT NOT NULL CHECK (cli_adapter IN ('CLAUDE_CODE','CODEX_CLI','GEMINI_CLI','OPENCODE','CURSOR_CLI','FACTORY_DROID')),
  model TEXT,
  persona TEXT NOT NULL DEFAULT '',
  tool_profile TEXT NOT NULL CHECK (tool_profile IN ('MINIMAL','CODING','FULL')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CONSTRAINT agents_workspace_slug UNIQUE (workspace_id, slug)
);
CREATE INDEX agents_crew ON agents(crew_id);
`,
};
