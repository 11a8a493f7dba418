import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createNpmAgentToolsInstaller } from '@crewship/agent-tools';
import {
  type AgentToolsInstaller,
  type ContainerRuntime,
  CrewshipError,
  type Logger,
} from '@crewship/contracts';
import { createDatabase, migrate } from '@crewship/db';
import { createAdaptorServer } from '@hono/node-server';
import { bindContainerRuntime } from './adapters/container-runtime-binding.js';
import { bindCredentialVault } from './adapters/credential-vault-binding.js';
import { createServices } from './adapters/services.js';
import type { ServerConfig } from './config.js';
import { loadOrCreateSecrets, prepareDataDir } from './data-dir.js';
import { createApp } from './http/app.js';
import { locateWebConsole, WEB_BUILD_HINT } from './http/web-console.js';
import { attachWebSocketServer } from './http/websocket.js';
import { createJsonLogger } from './logger.js';
import { VERSION } from './version.js';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Replaces the JSON logger (and its scrubbing) entirely. */
  logger?: Logger;
  /** Where the JSON logger's scrubbed lines go instead of stdout (tests capture them). */
  logWrite?: (line: string) => void;
  /** Replaces the configured container runtime (tests inject the fake one). */
  containerRuntime?: ContainerRuntime;
  /** Replaces the npm installer of agent CLIs (tests inject the fake one). */
  agentTools?: AgentToolsInstaller;
  /** With an injected `containerRuntime`: attach the sealed path (gateway socket + sidecar) to it too. */
  sealedPath?: boolean;
}

function listenError(error: NodeJS.ErrnoException, config: ServerConfig): CrewshipError {
  const where = `${config.host}:${config.port}`;
  if (error.code === 'EADDRINUSE') {
    return new CrewshipError(
      'unavailable',
      `port ${config.port} on ${config.host} is already in use; stop the other process or choose another port with --port`,
      { cause: error },
    );
  }
  if (error.code === 'EACCES') {
    return new CrewshipError('unavailable', `not allowed to listen on ${where}; use a port above 1023`, {
      cause: error,
    });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new CrewshipError('unavailable', `cannot listen on ${where}: no such local address`, {
      cause: error,
    });
  }
  return new CrewshipError('unavailable', `cannot listen on ${where}: ${error.message}`, { cause: error });
}

/** Boots crewshipd: data dir, secrets, database with migrations, HTTP server. */
export async function startServer(
  config: ServerConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  // Log lines pass the server's scrubber once the services (and the credential values) are up.
  let scrubLine = (line: string) => line;
  const logger =
    options.logger ??
    createJsonLogger({
      level: config.logLevel,
      scrub: (line) => scrubLine(line),
      ...(options.logWrite ? { write: options.logWrite } : {}),
    });
  prepareDataDir(config.dataDir);
  const secrets = loadOrCreateSecrets(config.dataDir, logger);
  const database = createDatabase({ file: join(config.dataDir, 'crewship.db') });
  try {
    migrate(database.sqlite, { snapshotDir: join(config.dataDir, 'backups'), logger });
  } catch (error) {
    database.close();
    throw error;
  }

  let shuttingDown = false;
  const containerRuntime = await bindContainerRuntime(config, logger, {
    runtime: options.containerRuntime,
    // An injected runtime (tests) gets the sealed path only when asked for it.
    sealedPath: options.containerRuntime ? options.sealedPath === true : config.sealedPath,
  });
  const { services, lifecycle } = createServices(database, {
    tokenSecret: secrets.sessionSecret,
    sessionTtlMs: config.sessionTtlHours * 60 * 60 * 1000,
    logger,
    isShuttingDown: () => shuttingDown,
    dataDir: config.dataDir,
    containerRuntime,
    statsIntervalMs: config.statsIntervalMs,
    credentialVault: bindCredentialVault(database, {
      dataDir: config.dataDir,
      secrets,
      logger: logger.child({ component: 'vault' }),
    }),
    toolsDir: join(config.dataDir, 'tools'),
    sealedPath: {
      upstreams: config.upstreams,
      egressResolve: config.egressResolve,
      journalBodies: config.journalLlmBodies,
      sidecarBundle: config.sidecarBundle,
    },
    keeperJudge: config.keeperJudge.url
      ? {
          kind: config.keeperJudge.kind,
          url: config.keeperJudge.url,
          model: config.keeperJudge.model,
          ...(config.keeperJudge.apiKey ? { apiKey: config.keeperJudge.apiKey } : {}),
          timeoutMs: config.keeperJudge.timeoutMs,
        }
      : null,
    agentTools:
      options.agentTools ??
      createNpmAgentToolsInstaller({
        toolsDir: join(config.dataDir, 'tools'),
        versions: config.agentToolVersions,
        logger,
      }),
  });
  scrubLine = services.scrub;
  try {
    await lifecycle.start();
  } catch (error) {
    await lifecycle.stop();
    database.close();
    throw error;
  }
  const webConsoleDir = locateWebConsole(config.webDir);
  if (!webConsoleDir) {
    logger.warn('the web console is not built; the API works, and / explains how to build it', {
      build: WEB_BUILD_HINT,
      ...(config.webDir ? { looked: config.webDir } : {}),
    });
  }
  const { app, dispose } = createApp({
    services,
    logger,
    version: VERSION,
    authRateLimitPerMinute: config.authRateLimitPerMinute,
    apiRateLimitPerMinute: config.apiRateLimitPerMinute,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    webConsoleDir,
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    dispose();
    await lifecycle.stop();
    database.close();
    throw listenError(error as NodeJS.ErrnoException, config);
  }
  const websocket = attachWebSocketServer(server as Server, {
    hub: services.hub,
    tokens: services.wsTokens,
    authorizeChannel: async (userId, channel) =>
      channel === `user:${userId}` ||
      services.runs.canListen(channel, (workspaceId) => services.workspaces.membership(userId, workspaceId)),
    logger,
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info('crewship started', { url, dataDir: config.dataDir, version: VERSION });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        logger.info('shutting down');
        const forced = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Live streams never end on their own: end them so the connections can drain.
        services.runs.closeStreams();
        await websocket.close();
        await closed;
        clearTimeout(forced);
        dispose();
        await lifecycle.stop();
        database.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

/** Starts the server and keeps it running until SIGINT or SIGTERM, then shuts down gracefully. */
export async function runServer(
  config: ServerConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const running = await startServer(config, options);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return running;
}
