export {
  type CreateDatabaseOptions,
  type CrewshipDatabase,
  type CrewshipDrizzle,
  createDatabase,
} from './create-database.js';
export {
  type MigrateOptions,
  type MigrateResult,
  type MigrationStatus,
  migrate,
  migrationStatus,
} from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations/index.js';
export {
  agents,
  authTokens,
  credentialAgents,
  credentials,
  crews,
  users,
  workspaceMembers,
  workspaces,
} from './schema/index.js';
export { isUniqueViolation } from './sqlite-errors.js';
