export { authTokens, users, workspaceMembers, workspaces } from './accounts.js';
export { agents, crews } from './crews.js';
