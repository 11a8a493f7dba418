export { hashPassword, verifyPassword } from './password.js';
export { type AccountServiceOptions, createSqliteAccountService } from './sqlite-account-service.js';
export { createSqliteWorkspaceService, type WorkspaceServiceOptions } from './sqlite-workspace-service.js';
export { generateToken, hashToken, SESSION_TOKEN_PREFIX } from './tokens.js';
