import { announceListening } from '@crewship/tooling-bench';
import { parseServerConfig, startServer } from '../src/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crewshipd-server.ts DATA_DIR');

// Environment spelled out, not inherited, so a developer's CREWSHIP_* variables cannot skew the figure.
// Request logs stay on as in production (stdout is /dev/null). The API limit is config.ts's maximum;
// the default 120/min would answer 429 within the first second. Crew containers are off: this figure
// is about the API, and a fresh database would reconcile away every crew container on the engine.
const config = parseServerConfig(
  { host: '127.0.0.1', port: '0', dataDir, logLevel: 'info' },
  { CREWSHIP_RATE_LIMIT_AUTH: '100000', CREWSHIP_RATE_LIMIT_API: '10000000', CREWSHIP_CONTAINERS: 'off' },
);
announceListening(await startServer(config));
