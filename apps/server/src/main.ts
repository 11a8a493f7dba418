#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isCrewshipError } from '@crewship/contracts';
import { parseServerConfig } from './config.js';
import { runServer } from './start-server.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string' },
  },
  strict: true,
});

try {
  const config = parseServerConfig(
    { host: values.host, port: values.port, dataDir: values['data-dir'], logLevel: values['log-level'] },
    process.env,
  );
  await runServer(config);
} catch (error) {
  const message = isCrewshipError(error) ? error.message : (error as Error).stack;
  process.stderr.write(`crewshipd: ${message}\n`);
  process.exit(1);
}
