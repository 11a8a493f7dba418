export const credentialsMigration = {
  id: '0003_credentials',
  sql: `
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('API_KEY','OAUTH_TOKEN','SECRET')),
  provider TEXT NOT NULL CHECK (provider IN ('anthropic','openai','google','cursor','factory','openrouter','xai','groq','generic')),
  priority INTEGER NOT NULL DEFAULT 0,
  key_id TEXT NOT NULL,
  nonce BLOB NOT NULL CHECK (length(nonce) = 12),
  ciphertext BLOB NOT NULL,
  last4 TEXT NOT NULL,
  cooldown_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  rotated_at TEXT,
  CONSTRAINT credentials_workspace_name UNIQUE (workspace_id, name)
);
CREATE INDEX credentials_workspace_provider ON credentials(workspace_id, provider);

CREATE TABLE credential_agents (
  credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (credential_id, agent_id)
);
CREATE INDEX credential_agents_agent ON credential_agents(agent_id);
`,
};
