import { createCrewshipClient } from '@crewship/sdk';
import type { Command } from 'commander';
import { type CliContext, DEFAULT_SERVER, wantsJson } from '../context.js';

interface StartOptions {
  host?: string;
  port?: string;
  dataDir?: string;
  logLevel?: string;
}

export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command('start')
    .description('Run the Crewship server in this process until Ctrl-C (logs are JSON lines on stdout)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; 0.0.0.0 exposes it to your network)')
    .option('--port <port>', 'port to listen on (default 8080; 0 picks a free one)')
    .option(
      '--data-dir <dir>',
      'where the database and secrets live (default ~/.crewship or CREWSHIP_DATA_DIR)',
    )
    .option('--log-level <level>', 'debug | info | warn | error (default info)')
    .addHelpText(
      'after',
      `
Environment: CREWSHIP_HOST, CREWSHIP_PORT, CREWSHIP_DATA_DIR, CREWSHIP_LOG_LEVEL (flags win).
Crew containers: CREWSHIP_CONTAINERS (docker | off), CREWSHIP_DOCKER_HOST (else DOCKER_HOST),
CREWSHIP_IDLE_TTL_MINUTES (30), CREWSHIP_STATS_INTERVAL_MS (5000).

Examples:
  $ crewship start
  $ crewship start --port 9000 --data-dir /srv/crewship`,
    )
    .action(async (options: StartOptions, command: Command) => {
      // Loaded lazily: every other command stays a small client.
      const { parseServerConfig, runServer, VERSION } = await import('@crewship/server');
      const config = parseServerConfig(
        { host: options.host, port: options.port, dataDir: options.dataDir, logLevel: options.logLevel },
        context.config.serverEnvironment,
      );
      const running = await runServer(config);
      const bootstrapNeeded = await createCrewshipClient({ baseUrl: running.url })
        .bootstrap.status()
        .then((status) => status.needed)
        .catch(() => false);
      if (wantsJson(command)) {
        return context.out.json({
          url: running.url,
          version: VERSION,
          data_dir: config.dataDir,
          bootstrap_needed: bootstrapNeeded,
        });
      }
      context.out.line(
        `Crewship ${VERSION} is running at ${running.url} (data: ${config.dataDir}). Press Ctrl-C to stop.`,
      );
      if (bootstrapNeeded) {
        const server = running.url === DEFAULT_SERVER ? '' : ` --server ${running.url}`;
        context.out.line('No account exists yet. Create the first Owner with:');
        context.out.line(`  crewship init${server} --email you@example.com --password-stdin`);
      }
    });
}
