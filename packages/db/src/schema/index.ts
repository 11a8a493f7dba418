export { authTokens, users, workspaceMembers, workspaces } from './accounts.js';
export { credentialAgents, credentials } from './credentials.js';
export { agents, crews } from './crews.js';
