import {
  INBOX_KINDS,
  INBOX_STATUSES,
  type InboxItem,
  type InboxKind,
  type InboxStatus,
} from '@crewship/contracts';
import { type Command, Option } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { parseLimit } from './governance.js';
import { formatTime } from './runs.js';

const PAGE_MAX = 500;

/** Where to look next for what an item is about. */
const FOLLOW_UP: Record<string, (id: string) => string> = {
  approval: (id) => `crewship approvals get ${id}`,
  run: (id) => `crewship run get ${id}`,
  chat: (id) => `crewship chat messages ${id}`,
};

function itemRecord(item: InboxItem) {
  const followUp = item.ref_type && item.ref_id ? FOLLOW_UP[item.ref_type]?.(item.ref_id) : undefined;
  return {
    id: item.id,
    kind: item.kind,
    status: item.status,
    title: item.title,
    body: item.body,
    about: item.ref_type ? `${item.ref_type} ${item.ref_id ?? ''}`.trim() : null,
    ...(followUp ? { see: followUp } : {}),
    for: item.target_user_id ? 'you' : `${item.target_role} and above`,
    created_at: formatTime(item.created_at),
    read_at: item.read_at ? formatTime(item.read_at) : null,
    resolved_at: item.resolved_at ? formatTime(item.resolved_at) : null,
    resolved_by: item.resolved_by,
  };
}

export function registerInboxCommands(program: Command, context: CliContext): void {
  const { out, io } = context;
  const inbox = program
    .command('inbox')
    .description('Your inbox: approvals, escalations, failed runs and budget warnings for you or your role')
    .addHelpText(
      'after',
      `
Items move from unread to read (\`inbox read\` shows one and marks it read) to resolved; archived items
are hidden unless you ask for them with --status archived.

Examples:
  $ crewship inbox count
  $ crewship inbox list --status unread
  $ crewship inbox list --kind approval --all
  $ crewship inbox read 01J9Z7…
  $ crewship inbox resolve 01J9Z7…`,
    );

  inbox
    .command('list')
    .description('List inbox items, newest first')
    .addOption(new Option('--status <status>', 'only items in this state').choices(INBOX_STATUSES))
    .addOption(new Option('--kind <kind>', 'only items of this kind').choices(INBOX_KINDS))
    .option('--limit <n>', `items per page (default 50, at most ${PAGE_MAX})`, parseLimit(PAGE_MAX))
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--all', 'follow the cursors and print every matching item')
    .action(
      async (
        options: { status?: InboxStatus; kind?: InboxKind; limit?: number; cursor?: string; all?: boolean },
        command: Command,
      ) => {
        const { api } = signedInClient(context, command);
        const items: InboxItem[] = [];
        let cursor = options.cursor;
        let next: string | null;
        do {
          const page = await api.inbox.list({
            status: options.status,
            kind: options.kind,
            limit: options.limit ?? (options.all ? PAGE_MAX : undefined),
            cursor,
          });
          items.push(...page.items);
          next = page.next_cursor;
          cursor = next ?? undefined;
        } while (options.all && next);
        if (wantsJson(command)) return out.json({ items, next_cursor: next });
        out.table(
          items,
          [
            { header: 'ID', value: (row: InboxItem) => row.id },
            { header: 'KIND', value: (row: InboxItem) => row.kind },
            { header: 'STATUS', value: (row: InboxItem) => row.status },
            { header: 'CREATED', value: (row: InboxItem) => formatTime(row.created_at) },
            { header: 'TITLE', value: (row: InboxItem) => row.title },
          ],
          options.status || options.kind ? 'No inbox items match.' : 'Your inbox is empty.',
        );
        if (next) io.stderr(`more: add --cursor ${next} for the next page, or --all for every page\n`);
      },
    );

  inbox
    .command('count')
    .description('How many of your inbox items are unread')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const count = await api.inbox.count();
      if (wantsJson(command)) return out.json(count);
      out.line(`${count.unread} unread`);
    });

  inbox
    .command('read')
    .description('Show an inbox item and mark it read')
    .argument('<id>', 'inbox item id')
    .action(async (id: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const item = await api.inbox.read(id);
      if (wantsJson(command)) return out.json(item);
      out.record(itemRecord(item));
    });

  for (const [verb, done, description] of [
    ['resolve', 'Resolved', 'Mark an inbox item as dealt with'],
    ['archive', 'Archived', 'Hide an inbox item from the list'],
  ] as const) {
    inbox
      .command(verb)
      .description(description)
      .argument('<id>', 'inbox item id')
      .action(async (id: string, _options, command: Command) => {
        const { api } = signedInClient(context, command);
        const item = await api.inbox[verb](id);
        if (wantsJson(command)) return out.json(item);
        out.line(`${done} ${item.id}: ${item.title}`);
      });
  }
}
