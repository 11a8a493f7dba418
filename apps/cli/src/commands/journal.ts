import { CrewshipError, type JournalEntryDto } from '@crewship/contracts';
import type { CrewshipClient } from '@crewship/sdk';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, type CliIo, signedInClient, wantsJson } from '../context.js';
import { parseInteger } from '../option-parsers.js';
import { formatTime } from './runs.js';

const PAGE_SIZE = 1000;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2h`, `7d` before now, or an ISO time; sent as an ISO time. */
export function parseSince(value: string, now = Date.now()): string {
  const relative = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (relative) return new Date(now - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 0)).toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new InvalidArgumentError(
      'must be an ISO time (2025-01-31T09:00:00Z) or an age such as 30m, 2h, 7d.',
    );
  }
  return new Date(time).toISOString();
}

function parseLimit(value: string): number {
  const limit = parseInteger(value);
  if (limit < 1 || limit > PAGE_SIZE) throw new InvalidArgumentError(`must be between 1 and ${PAGE_SIZE}.`);
  return limit;
}

/** One readable line: time, type, summary. */
function entryLine(entry: JournalEntryDto): string {
  return `${formatTime(entry.at)}  ${entry.entry_type.padEnd(18)} ${entry.summary.replace(/\s*\n\s*/g, ' ')}`;
}

interface FilterOptions {
  type?: string;
  agent?: string;
  crew?: string;
  trace?: string;
  since?: string;
  limit?: number;
  cursor?: string;
  all?: boolean;
}

function withFilters(command: Command): Command {
  return command
    .option('--type <type>', 'entry type, exact (run.started) or a prefix with .* (agent.*)')
    .option('--agent <ref>', 'only entries of this agent (id or slug)')
    .option('--crew <ref>', 'only entries of this crew (id or slug)')
    .option('--trace <run>', 'only the entries of this run (its id is the trace id)')
    .option('--since <time>', 'only entries since then: an ISO time or an age such as 30m, 2h, 7d', (value) =>
      parseSince(value),
    )
    .option('--limit <n>', `entries per page (default 100, at most ${PAGE_SIZE})`, parseLimit)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--all', 'follow the cursors and print every matching entry');
}

/** Lists entries (newest first): one page, or every page with `--all`; shows the cursor of the next one. */
async function listEntries(
  context: CliContext,
  command: Command,
  options: FilterOptions & { q?: string },
): Promise<void> {
  const { out, io } = context;
  const { api } = signedInClient(context, command);
  const query = {
    q: options.q,
    type: options.type,
    agent: options.agent,
    crew: options.crew,
    trace: options.trace,
    since: options.since,
    limit: options.limit ?? (options.all ? PAGE_SIZE : undefined),
  };
  const items: JournalEntryDto[] = [];
  let cursor = options.cursor;
  let next: string | null;
  do {
    const page = await api.journal.list({ ...query, cursor });
    items.push(...page.items);
    next = page.next_cursor;
    cursor = next ?? undefined;
  } while (options.all && next);
  if (wantsJson(command)) return out.json({ items, next_cursor: next });
  out.table(
    items,
    [
      { header: 'SEQ', value: (row: JournalEntryDto) => row.seq },
      { header: 'TIME', value: (row: JournalEntryDto) => formatTime(row.at) },
      { header: 'TYPE', value: (row: JournalEntryDto) => row.entry_type },
      { header: 'TRACE', value: (row: JournalEntryDto) => row.trace_id },
      { header: 'SUMMARY', value: (row: JournalEntryDto) => row.summary },
    ],
    options.q ? `No entries match "${options.q}".` : 'No journal entries match.',
  );
  if (next) io.stderr(`more: add --cursor ${next} for the next page, or --all for every page\n`);
}

/** Follows the live stream until Ctrl-C, handing each entry to `onEntry`. */
async function followEntries(
  api: CrewshipClient,
  io: CliIo,
  options: { afterSeq?: number | undefined; type?: string | undefined },
  onEntry: (entry: JournalEntryDto) => void,
): Promise<void> {
  const stop = new AbortController();
  const stopListening = io.onInterrupt?.(() => stop.abort());
  try {
    const entries = await api.journal.tail({ ...options, signal: stop.signal });
    for await (const entry of entries) onEntry(entry);
    if (!stop.signal.aborted) throw new CrewshipError('unavailable', 'the server closed the journal stream');
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    stopListening?.();
  }
}

export function registerJournalCommands(program: Command, context: CliContext): void {
  const { out, io } = context;
  const journal = program
    .command('journal')
    .description('The journal: every event of the workspace, append-only and hash-chained')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship journal list --type 'run.*' --since 2h
  $ crewship journal list --trace 01J9Z4… --all          # everything one run did
  $ crewship journal search "timeout" --agent reviewer
  $ crewship journal tail --type 'agent.*'               # live, until Ctrl-C
  $ crewship journal verify`,
    );

  withFilters(journal.command('list').description('List journal entries, newest first')).action(
    async (options: FilterOptions, command: Command) => listEntries(context, command, options),
  );

  withFilters(
    journal
      .command('search')
      .description('Full-text search over entry summaries and payloads (SQLite FTS5), newest first')
      .argument('<words...>', 'what to look for; quote terms with punctuation: \'"exit-code"\''),
  )
    .addHelpText(
      'after',
      `
Words are matched as FTS5 terms: all must occur; "a b" in quotes is a phrase, pre* a prefix.`,
    )
    .action(async (words: string[], options: FilterOptions, command: Command) =>
      listEntries(context, command, { ...options, q: words.join(' ') }),
    );

  journal
    .command('tail')
    .description('Follow new journal entries as they are written, until Ctrl-C')
    .option('--type <type>', 'entry type, exact (run.started) or a prefix with .* (agent.*)')
    .option('--after-seq <n>', 'first replay the entries after this seq', parseInteger)
    .addHelpText('after', '\nOne line per entry (time, type, summary); with --json one JSON entry per line.')
    .action(async (options: { type?: string; afterSeq?: number }, command: Command) => {
      const { api } = signedInClient(context, command);
      const json = wantsJson(command);
      await followEntries(api, io, { afterSeq: options.afterSeq, type: options.type }, (entry) =>
        io.stdout(json ? `${JSON.stringify(entry)}\n` : `${entryLine(entry)}\n`),
      );
    });

  journal
    .command('verify')
    .description('Walk the whole hash chain; exits 1 and names the first broken seq when a row was altered')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const result = await api.journal.verify();
      if (wantsJson(command)) out.json(result);
      else if (result.ok) out.line(`Journal intact: ${result.checked} entries checked.`);
      if (!result.ok) {
        throw new CrewshipError(
          'internal',
          `journal hash chain broken at seq ${result.broken_at_seq ?? '?'} (${result.checked} entries checked): an entry was altered or removed`,
        );
      }
    });

  program
    .command('logs')
    .description("An agent's journal entries, oldest first: runs, answers, tool calls, errors")
    .requiredOption('--agent <ref>', 'agent id or slug')
    .option('--limit <n>', 'how many of the latest entries to show (default 50)', parseLimit)
    .option('-f, --follow', 'keep printing new entries until Ctrl-C')
    .addHelpText(
      'after',
      `
One line per entry: time, type, summary. With --json one JSON entry per line (NDJSON).

Examples:
  $ crewship logs --agent reviewer
  $ crewship logs --agent reviewer --limit 200
  $ crewship logs --agent reviewer --follow`,
    )
    .action(async (options: { agent: string; limit?: number; follow?: boolean }, command: Command) => {
      const { api } = signedInClient(context, command);
      const json = wantsJson(command);
      const agent = await api.agents.get(options.agent);
      const print = (entry: JournalEntryDto) =>
        io.stdout(json ? `${JSON.stringify(entry)}\n` : `${entryLine(entry)}\n`);
      const page = await api.journal.list({ agent: agent.id, limit: options.limit ?? 50 });
      const entries = [...page.items].reverse();
      for (const entry of entries) print(entry);
      if (!options.follow) {
        if (entries.length === 0 && !json) {
          io.stderr(
            `No journal entries for ${agent.slug} yet. Ask it something: crewship ask --agent ${agent.slug} "…"\n`,
          );
        }
        return;
      }
      // Resume right after what was printed (or the newest entry of the workspace), so nothing falls between.
      const afterSeq = entries.at(-1)?.seq ?? (await api.journal.list({ limit: 1 })).items[0]?.seq ?? 0;
      await followEntries(api, io, { afterSeq }, (entry) => {
        if (entry.agent_id === agent.id) print(entry);
      });
    });
}
