import type { JournalEntryDto } from '@crewship/contracts';
import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { parseLimit, plural, readDocument, slugsById } from './governance.js';
import { formatTime } from './runs.js';

const REQUESTS_MAX = 1000;

/** `allow`/`deny` from the entry's payload, when it says. */
function decisionOf(entry: JournalEntryDto): string | null {
  const decision = entry.payload.decision;
  return typeof decision === 'string' ? decision : null;
}

export function registerKeeperCommands(program: Command, context: CliContext): void {
  const { out, io } = context;
  const keeper = program
    .command('keeper')
    .description('Keeper: decides whether an agent may use a credential it asks for')
    .addHelpText(
      'after',
      `
Agents ask for a credential through the sidecar (/keeper/request for the value, /keeper/execute to run
one command with it in the environment) and say why. Keeper checks the workspace's YAML rules first,
then asks the judge model when one is configured; with no rule and no judge the request is denied
(fail closed). Every decision is a keeper.decision journal entry.

Examples:
  $ crewship keeper status
  $ crewship keeper rules > keeper.yaml
  $ crewship keeper rules --set keeper.yaml
  $ crewship keeper requests --limit 20`,
    );

  keeper
    .command('status')
    .description('Judge configuration, rule count and the decisions of the last 24 hours')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const status = await api.keeper.status();
      if (wantsJson(command)) return out.json(status);
      const { judge } = status;
      out.record({
        judge: judge.configured
          ? `${judge.kind ?? '?'} ${judge.model ?? ''}${judge.url ? ` at ${judge.url}` : ''} (timeout ${judge.timeout_ms}ms)`
          : 'not configured: requests that no rule decides are denied',
        rules: status.rules,
        decisions_24h: `${status.decisions_24h.allow} allowed, ${status.decisions_24h.deny} denied`,
      });
    });

  keeper
    .command('rules')
    .description("Print the workspace's Keeper rules (YAML), or replace them with --set (Admin)")
    .option('--set <file>', 'replace the rules with a YAML file; - reads stdin')
    .addHelpText(
      'after',
      `
Without --set the YAML is printed as stored, so \`crewship keeper rules > keeper.yaml\`, an edit and
\`crewship keeper rules --set keeper.yaml\` round-trip. The server checks the YAML before storing it
and refuses a document that does not parse or holds an invalid rule (exit code 2), keeping the old
rules. With --json: {yaml, rules, updated_at}.`,
    )
    .action(async (options: { set?: string }, command: Command) => {
      const yaml = options.set === undefined ? undefined : await readDocument(context, options.set);
      const { api } = signedInClient(context, command);
      const document = yaml === undefined ? await api.keeper.rules() : await api.keeper.setRules(yaml);
      if (wantsJson(command)) return out.json(document);
      if (yaml !== undefined) {
        out.line(`Saved Keeper rules: ${plural(document.rules, 'rule')}.`);
        return;
      }
      if (document.yaml.trim() === '') {
        io.stderr('No Keeper rules yet; set them with `crewship keeper rules --set keeper.yaml`.\n');
        return;
      }
      io.stdout(document.yaml.endsWith('\n') ? document.yaml : `${document.yaml}\n`);
    });

  keeper
    .command('requests')
    .description('Recent Keeper decisions (keeper.decision journal entries), newest first')
    .option(
      '--limit <n>',
      `at most this many (default 50, at most ${REQUESTS_MAX})`,
      parseLimit(REQUESTS_MAX),
    )
    .action(async (options: { limit?: number }, command: Command) => {
      const { api } = signedInClient(context, command);
      const entries = await api.keeper.requests({ limit: options.limit });
      if (wantsJson(command)) return out.json(entries);
      const slugs = await slugsById(api, { agents: entries.some((entry) => entry.agent_id !== null) });
      out.table(
        entries,
        [
          { header: 'TIME', value: (row: JournalEntryDto) => formatTime(row.at) },
          { header: 'DECISION', value: (row: JournalEntryDto) => decisionOf(row) },
          {
            header: 'AGENT',
            value: (row: JournalEntryDto) =>
              row.agent_id ? (slugs.get(row.agent_id) ?? row.agent_id) : null,
          },
          { header: 'SUMMARY', value: (row: JournalEntryDto) => row.summary },
          { header: 'TRACE', value: (row: JournalEntryDto) => row.trace_id },
        ],
        'No Keeper requests yet.',
      );
    });
}
