import type { Logger } from '@crewship/contracts';
import { createSidecarProxy } from '@crewship/sidecar-proxy';
import { createJsonLineLogger } from './json-line-logger.js';
import { readFirstLine } from './read-first-line.js';
import { parseStartConfig, type StartConfig } from './start-config.js';

const EXIT_CANNOT_LISTEN = 1;
const EXIT_INVALID_CONFIG = 2;
const START_CONFIG_MAX_BYTES = 64 * 1024;
const START_CONFIG_TIMEOUT_MS = 30_000;

const writeStderr = (line: string) => {
  process.stderr.write(line);
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readConfig(logger: Logger): Promise<StartConfig | null> {
  try {
    const line = await readFirstLine(process.stdin, {
      maxBytes: START_CONFIG_MAX_BYTES,
      timeoutMs: START_CONFIG_TIMEOUT_MS,
    });
    return parseStartConfig(line);
  } catch (error) {
    logger.error(errorMessage(error));
    return null;
  } finally {
    process.stdin.destroy();
  }
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      // A second signal while closing means: stop now.
      process.once('SIGTERM', () => process.exit(1));
      process.once('SIGINT', () => process.exit(1));
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

async function main(): Promise<number> {
  const bootLogger = createJsonLineLogger({ level: 'info', write: writeStderr }, { service: 'sidecar' });
  const config = await readConfig(bootLogger);
  if (config === null) return EXIT_INVALID_CONFIG;

  const logger = createJsonLineLogger(
    { level: config.logLevel ?? 'info', write: writeStderr },
    { service: 'sidecar' },
  );
  // A bad client must never take the agent's only way out down with it.
  process.on('uncaughtException', (error) => logger.error('uncaught exception', { error }));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
  const stopSignal = waitForStopSignal();

  const proxy = createSidecarProxy({ socketPath: config.socketPath, token: config.token, logger });
  try {
    const address = await proxy.listen(config.host, config.port);
    logger.info('sidecar listening', {
      host: address.host,
      port: address.port,
      socketPath: config.socketPath,
    });
  } catch (error) {
    logger.error('sidecar cannot listen', { error: errorMessage(error) });
    return EXIT_CANNOT_LISTEN;
  }

  const signal = await stopSignal;
  logger.info('sidecar stopping', { signal });
  await proxy.close();
  logger.info('sidecar stopped');
  return 0;
}

void main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    writeStderr(
      `${JSON.stringify({ level: 'error', msg: 'sidecar crashed', error: errorMessage(error) })}\n`,
    );
    process.exit(1);
  },
);
