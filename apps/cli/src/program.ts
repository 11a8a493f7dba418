import { Command } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { registerAdminCommands } from './commands/admin.js';
import { registerAgentCommands } from './commands/agent.js';
import { registerApprovalCommands } from './commands/approvals.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerCostCommands } from './commands/cost.js';
import { registerCredentialCommands } from './commands/credential.js';
import { registerCrewCommands } from './commands/crew.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerInboxCommands } from './commands/inbox.js';
import { registerJournalCommands } from './commands/journal.js';
import { registerKeeperCommands } from './commands/keeper.js';
import { registerRunCommands } from './commands/runs.js';
import { registerStartCommand } from './commands/start.js';
import { registerToolsCommands } from './commands/tools.js';
import { registerWorkspaceCommands } from './commands/workspace.js';
import { type CliContext, DEFAULT_SERVER } from './context.js';

/** The `crewship` command tree. Errors are thrown, never printed here: `runCli` reports them. */
export function createProgram(context: CliContext): Command {
  const program = new Command('crewship')
    .description('Crewship: a self-hosted runtime for crews of AI coding agents')
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option(
      '--server <url>',
      `server URL (default: the saved login, else CREWSHIP_SERVER, else ${DEFAULT_SERVER})`,
    )
    .option(
      '--workspace <ref>',
      'workspace id or slug (default: CREWSHIP_WORKSPACE, else `crewship workspace use`, else your first)',
    )
    .option('--json', 'machine-readable output: one JSON document per command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.io.stdout(text),
      writeErr: (text) => context.io.stderr(text),
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `
Getting started:
  $ crewship start                                   # in one terminal
  $ printf '%s\\n' "$PASSWORD" | crewship init --email you@example.com --password-stdin
  $ crewship crew create "Web team"
  $ crewship agent create "Reviewer" --crew web-team

Login state lives in $CREWSHIP_HOME/cli.json (default ~/.crewship). Errors go to stderr with an exit
code per kind: 2 invalid input or usage, 3 not logged in, 4 forbidden, 5 not found, 6 conflict,
7 rate limited, 8 budget exceeded, 9 server unavailable, 1 anything else.`,
    );

  registerStartCommand(program, context);
  registerDoctorCommand(program, context);
  registerAuthCommands(program, context);
  registerWorkspaceCommands(program, context);
  registerCrewCommands(program, context);
  registerAgentCommands(program, context);
  registerToolsCommands(program, context);
  registerCredentialCommands(program, context);
  registerRunCommands(program, context);
  registerJournalCommands(program, context);
  registerCostCommands(program, context);
  registerApprovalCommands(program, context);
  registerKeeperCommands(program, context);
  registerInboxCommands(program, context);
  registerAdminCommands(program, context);
  return program;
}
