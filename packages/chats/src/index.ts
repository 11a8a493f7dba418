export { type ChatStore, createSqliteChatStore, type SqliteChatStoreOptions } from './sqlite-chat-store.js';
