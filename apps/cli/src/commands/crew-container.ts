import { type ContainerStatusDto, CrewshipError, EXEC_USERS, type ExecUser } from '@crewship/contracts';
import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { CommandExit } from '../errors.js';
import { lowerConstant, parseInteger } from '../option-parsers.js';

/** Exit code of a command cancelled with Ctrl-C, as shells report SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function statusRecord(crew: string, status: ContainerStatusDto): Record<string, string> {
  const record: Record<string, string> = { crew, state: status.state };
  if (status.container) {
    record.container = `${status.container.name} (${status.container.id.slice(0, 12)})`;
    record.image = status.container.image;
  }
  const { stats } = status;
  if (stats) {
    const share =
      stats.memory_limit_bytes > 0
        ? ` (${((stats.memory_bytes / stats.memory_limit_bytes) * 100).toFixed(1)}%)`
        : '';
    record.cpu = `${stats.cpu_percent.toFixed(1)}%`;
    record.memory = `${formatBytes(stats.memory_bytes)} / ${formatBytes(stats.memory_limit_bytes)}${share}`;
    record.network = `rx ${formatBytes(stats.network_rx_bytes)}, tx ${formatBytes(stats.network_tx_bytes)}`;
    record.pids = String(stats.pids);
    record.sampled_at = stats.at;
  }
  record.last_exec = status.last_activity_at ?? '-';
  return record;
}

interface ExecCommandOptions {
  agent?: string;
  user?: string;
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
}

function collectEnv(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const separator = value.indexOf('=');
  if (separator <= 0) throw new CrewshipError('invalid_input', `--env needs NAME=value, not "${value}"`);
  return { ...previous, [value.slice(0, separator)]: value.slice(separator + 1) };
}

/** `crewship crew start|stop|status|exec`: the crew's container. */
export function registerCrewContainerCommands(crew: Command, context: CliContext): void {
  const { out, io } = context;
  const showStatus = (command: Command, reference: string, status: ContainerStatusDto) => {
    if (wantsJson(command)) return out.json(status);
    out.record(statusRecord(reference, status));
  };

  crew
    .command('start')
    .description("Start the crew's container, creating it when needed (Manager)")
    .argument('<ref>', 'crew id or slug')
    .action(async (reference: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      showStatus(command, reference, await api.crews.containerStart(reference));
    });

  crew
    .command('stop')
    .description("Stop the crew's container; its files stay (Manager)")
    .argument('<ref>', 'crew id or slug')
    .action(async (reference: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      showStatus(command, reference, await api.crews.containerStop(reference));
    });

  crew
    .command('status')
    .description("State of the crew's container with CPU, memory, network and PIDs")
    .argument('<ref>', 'crew id or slug')
    .action(async (reference: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      showStatus(command, reference, await api.crews.containerStatus(reference));
    });

  crew
    .command('exec')
    .description(
      "Run a command in the crew's container and stream its output; exits with its exit code (Admin)",
    )
    .argument('<ref>', 'crew id or slug')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--agent <slug>', 'run as this agent of the crew (its user and group), e.g. to read its /secrets')
    .option('--user <user>', `${EXEC_USERS.join(' | ')} (default agent: UID 1001)`)
    .option('--timeout-ms <ms>', 'kill the command (and everything it started) after this long', parseInteger)
    .option('--cwd <dir>', 'absolute working directory inside the container')
    .option('--env <NAME=value>', 'environment variable for the command; repeat for more', collectEnv)
    .addHelpText(
      'after',
      `
Output lines go to stdout and stderr as the command writes them. Ctrl-C cancels the command in the
container. With --json, every event is printed as one JSON line (NDJSON), the result last.

Examples:
  $ crewship crew exec web-team -- ls -la /output
  $ crewship crew exec web-team --agent ada -- sh -c 'echo hello > /output/ada/hello.txt'
  $ crewship crew exec web-team --user root --timeout-ms 60000 -- apt-get install -y jq`,
    )
    .action(async (reference: string, argv: string[], options: ExecCommandOptions, command: Command) => {
      const { api } = signedInClient(context, command);
      const json = wantsJson(command);
      const cancel = new AbortController();
      let interrupted = false;
      const stopListening = io.onInterrupt?.(() => {
        if (interrupted) return;
        interrupted = true;
        io.stderr('crewship: cancelling the command…\n');
        cancel.abort();
      });
      try {
        const stream = await api.crews.exec(
          reference,
          {
            cmd: argv,
            user: options.user === undefined ? undefined : (lowerConstant(options.user) as ExecUser),
            agent: options.agent,
            timeout_ms: options.timeoutMs,
            cwd: options.cwd,
            env: options.env,
          },
          { signal: cancel.signal },
        );
        for await (const event of stream) {
          if (json) io.stdout(`${JSON.stringify(event)}\n`);
          else if (event.stream === 'stdout') io.stdout(`${event.line}\n`);
          else io.stderr(`${event.line}\n`);
        }
        const result = await stream.result;
        if (json) io.stdout(`${JSON.stringify(result)}\n`);
        else if (result.timed_out)
          io.stderr(`crewship: the command timed out after ${options.timeoutMs} ms\n`);
        const code = result.cancelled ? INTERRUPTED_EXIT_CODE : result.exit_code;
        if (code !== 0) throw new CommandExit(code);
      } catch (error) {
        if (interrupted && !(error instanceof CommandExit)) throw new CommandExit(INTERRUPTED_EXIT_CODE);
        throw error;
      } finally {
        stopListening?.();
      }
    });
}
