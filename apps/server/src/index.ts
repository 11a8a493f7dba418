export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  parseServerConfig,
  type ServerConfig,
  type ServerFlags,
} from './config.js';
export { type RunningServer, runServer, type StartServerOptions, startServer } from './start-server.js';
export { VERSION } from './version.js';
