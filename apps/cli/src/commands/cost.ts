import {
  BUDGET_SCOPES,
  BUDGET_WINDOWS,
  type Budget,
  type BudgetScope,
  type BudgetWindow,
  type CostLedgerEntry,
  CREDENTIAL_PROVIDERS,
  CrewshipError,
  PAYMASTER_GROUPINGS,
  type PaymasterSummary,
  type RatePrice,
  setBudgetRequestSchema,
  setRatePriceRequestSchema,
} from '@crewship/contracts';
import { Argument, type Command, Option } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { confirmed } from '../option-parsers.js';
import {
  formatCount,
  formatPrice,
  formatUsd,
  parseLimit,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  plural,
  slugsById,
  validated,
} from './governance.js';
import { formatTime } from './runs.js';

type Grouping = (typeof PAYMASTER_GROUPINGS)[number];
type SummaryGroup = PaymasterSummary['groups'][number];

const LEDGER_MAX = 1000;

const GROUP_HEADERS: Record<Grouping, string> = { crew: 'CREW', agent: 'AGENT', model: 'MODEL', day: 'DAY' };
const WINDOW_NAMES: Record<BudgetWindow, string> = { day: 'today', week: 'this week', month: 'this month' };

const groupTokens = (group: SummaryGroup) =>
  group.input_tokens + group.output_tokens + group.cache_read_tokens + group.cache_write_tokens;

function windowOption(description: string): Option {
  return new Option('--window <window>', description).choices(BUDGET_WINDOWS);
}

/** `spent / limit` in dollars or tokens, or null when the budget has no such limit. */
function spentOf(spent: number, limit: number | null, format: (value: number) => string | null) {
  return limit === null ? null : `${format(spent)} / ${format(limit)}`;
}

/** The larger share of the dollar and token limits used so far. */
function usedPercent(budget: Budget): string {
  const shares = [
    budget.limit_usd === null ? null : [budget.spent_usd, budget.limit_usd],
    budget.limit_tokens === null ? null : [budget.spent_tokens, budget.limit_tokens],
  ]
    .filter((pair): pair is number[] => pair !== null)
    .map(([spent = 0, limit = 0]) => (limit > 0 ? spent / limit : spent > 0 ? 1 : 0));
  return `${Math.floor(Math.max(0, ...shares) * 100)}%`;
}

function scopeLabel(budget: Budget, slugs: Map<string, string>): string {
  return budget.scope === 'workspace'
    ? 'workspace'
    : `${budget.scope} ${slugs.get(budget.scope_id) ?? budget.scope_id}`;
}

function printSummary(context: CliContext, summary: PaymasterSummary): void {
  const { out } = context;
  const period = `${WINDOW_NAMES[summary.window]} (since ${formatTime(summary.window_start)})`;
  if (summary.groups.length === 0) out.line(`No LLM calls ${period}.`);
  else {
    out.line(`Spend ${period} by ${summary.by}:`);
    out.table(
      summary.groups,
      [
        { header: GROUP_HEADERS[summary.by], value: (row: SummaryGroup) => row.label || row.key },
        { header: 'CALLS', value: (row: SummaryGroup) => formatCount(row.calls) },
        { header: 'COST', value: (row: SummaryGroup) => formatUsd(row.cost_usd) },
        { header: 'INPUT', value: (row: SummaryGroup) => formatCount(row.input_tokens) },
        { header: 'OUTPUT', value: (row: SummaryGroup) => formatCount(row.output_tokens) },
        { header: 'CACHE READ', value: (row: SummaryGroup) => formatCount(row.cache_read_tokens) },
        { header: 'CACHE WRITE', value: (row: SummaryGroup) => formatCount(row.cache_write_tokens) },
        { header: 'TOKENS', value: (row: SummaryGroup) => formatCount(groupTokens(row)) },
      ],
      '',
    );
  }
  const calls = summary.groups.reduce((sum, group) => sum + group.calls, 0);
  out.line(
    `Total: ${formatUsd(summary.total_usd)} · ${plural(summary.total_tokens, 'token')} · ${plural(calls, 'call')}`,
  );
  if (summary.unpriced_calls > 0) {
    out.line(
      `Note: ${plural(summary.unpriced_calls, 'call')} had no dollar price (subscription usage or a model missing from the rate card) and ${summary.unpriced_calls === 1 ? 'is' : 'are'} counted in tokens only; add a price with \`crewship model price set\`.`,
    );
  }
}

export function registerCostCommands(program: Command, context: CliContext): void {
  const { out } = context;

  const cost = program
    .command('cost')
    .description('What LLM calls cost: spend of the current day, week or month, grouped')
    .addOption(
      new Option('--by <grouping>', 'group by crew, agent, model or UTC day (default agent)').choices(
        PAYMASTER_GROUPINGS,
      ),
    )
    .addOption(windowOption('the current UTC day, week or month (default month)'))
    .addHelpText(
      'after',
      `
Every call an agent makes to a model goes through the server, which counts its tokens and prices them
with the rate card (\`crewship model price list\`). Costs are in USD; calls without a price (subscription
usage, models missing from the rate card) are counted in tokens only and reported in a note.

Examples:
  $ crewship cost                              # this month, by agent
  $ crewship cost --by model --window week
  $ crewship cost --by day --json | jq '.groups[] | {key, cost_usd}'
  $ crewship cost ledger --agent reviewer --limit 20`,
    )
    .action(async (options: { by?: Grouping; window?: BudgetWindow }, command: Command) => {
      const { api } = signedInClient(context, command);
      const summary = await api.paymaster.summary({ by: options.by, window: options.window });
      if (wantsJson(command)) return out.json(summary);
      printSummary(context, summary);
    });

  cost
    .command('ledger')
    .description('The cost ledger: one row per LLM call, newest first')
    .option('--run <id>', 'only the calls of this run')
    .option('--agent <ref>', 'only the calls of this agent (id or slug)')
    .option('--crew <ref>', 'only the calls of this crew (id or slug)')
    .option(
      '--limit <n>',
      `at most this many rows (default 100, at most ${LEDGER_MAX})`,
      parseLimit(LEDGER_MAX),
    )
    .addHelpText(
      'after',
      `
COST is "-" when the call has no dollar price; CONFIDENCE says how it was priced: exact (rate card),
cli_reported (the agent CLI's own total) or unpriced.`,
    )
    .action(
      async (options: { run?: string; agent?: string; crew?: string; limit?: number }, command: Command) => {
        const { api } = signedInClient(context, command);
        const entries = await api.paymaster.ledger(options);
        if (wantsJson(command)) return out.json(entries);
        const slugs = await slugsById(api, { agents: entries.some((entry) => entry.agent_id !== null) });
        out.table(
          entries,
          [
            { header: 'TIME', value: (row: CostLedgerEntry) => formatTime(row.at) },
            {
              header: 'AGENT',
              value: (row: CostLedgerEntry) =>
                row.agent_id ? (slugs.get(row.agent_id) ?? row.agent_id) : null,
            },
            {
              header: 'MODEL',
              value: (row: CostLedgerEntry) => `${row.provider}/${row.model ?? '?'}`,
            },
            { header: 'INPUT', value: (row: CostLedgerEntry) => formatCount(row.input_tokens) },
            { header: 'OUTPUT', value: (row: CostLedgerEntry) => formatCount(row.output_tokens) },
            {
              header: 'CACHE R/W',
              value: (row: CostLedgerEntry) =>
                `${formatCount(row.cache_read_tokens)}/${formatCount(row.cache_write_tokens)}`,
            },
            { header: 'COST', value: (row: CostLedgerEntry) => formatUsd(row.cost_usd) },
            { header: 'CONFIDENCE', value: (row: CostLedgerEntry) => row.cost_confidence },
            { header: 'STATUS', value: (row: CostLedgerEntry) => row.status },
            { header: 'RUN', value: (row: CostLedgerEntry) => row.run_id },
          ],
          'No LLM calls recorded yet.',
        );
      },
    );

  const price = program
    .command('model')
    .description('Models as Crewship prices them')
    .command('price')
    .description('The rate card: USD per million tokens for each provider and model')
    .addHelpText(
      'after',
      `
Crewship ships default prices; a workspace price replaces the default for that provider and model.
A model name ending in * prices every model it starts (claude-sonnet-*; * alone: every model of the
provider) that has no price of its own.

Examples:
  $ crewship model price list
  $ crewship model price set anthropic claude-sonnet-4-5 --input 3 --output 15 --cache-read 0.3 --cache-write 3.75
  $ crewship model price set openrouter '*' --input 1 --output 4`,
    );

  price
    .command('list')
    .description('List the prices in use (USD per million tokens)')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const rates = await api.paymaster.rates();
      if (wantsJson(command)) return out.json(rates);
      out.table(
        rates,
        [
          { header: 'PROVIDER', value: (row: RatePrice) => row.provider },
          { header: 'MODEL', value: (row: RatePrice) => row.model },
          { header: 'INPUT/M', value: (row: RatePrice) => formatPrice(row.input_per_m) },
          { header: 'OUTPUT/M', value: (row: RatePrice) => formatPrice(row.output_per_m) },
          { header: 'CACHE READ/M', value: (row: RatePrice) => formatPrice(row.cache_read_per_m) },
          { header: 'CACHE WRITE/M', value: (row: RatePrice) => formatPrice(row.cache_write_per_m) },
          { header: 'SOURCE', value: (row: RatePrice) => row.source },
        ],
        'No prices yet. Add one with `crewship model price set PROVIDER MODEL --input 3 --output 15`.',
      );
    });

  price
    .command('set')
    .description("Set the workspace's price of a model (Admin), in USD per million tokens")
    .addArgument(new Argument('<provider>', 'model provider').choices(CREDENTIAL_PROVIDERS))
    .argument('<model>', 'model name as the provider calls it, or a prefix ending in * (claude-*)')
    .requiredOption('--input <usd>', 'USD per million input tokens', parseNonNegativeNumber)
    .requiredOption('--output <usd>', 'USD per million output tokens', parseNonNegativeNumber)
    .option('--cache-read <usd>', 'USD per million tokens read from the prompt cache', parseNonNegativeNumber)
    .option(
      '--cache-write <usd>',
      'USD per million tokens written to the prompt cache',
      parseNonNegativeNumber,
    )
    .action(
      async (
        provider: string,
        model: string,
        options: { input: number; output: number; cacheRead?: number; cacheWrite?: number },
        command: Command,
      ) => {
        const request = validated(
          setRatePriceRequestSchema,
          {
            provider,
            model,
            input_per_m: options.input,
            output_per_m: options.output,
            ...(options.cacheRead === undefined ? {} : { cache_read_per_m: options.cacheRead }),
            ...(options.cacheWrite === undefined ? {} : { cache_write_per_m: options.cacheWrite }),
          },
          'price',
        );
        const { api } = signedInClient(context, command);
        const saved = await api.paymaster.setRate(request);
        if (wantsJson(command)) return out.json(saved);
        out.record({
          provider: saved.provider,
          model: saved.model,
          input_per_m: formatPrice(saved.input_per_m),
          output_per_m: formatPrice(saved.output_per_m),
          cache_read_per_m: formatPrice(saved.cache_read_per_m),
          cache_write_per_m: formatPrice(saved.cache_write_per_m),
          source: saved.source,
        });
      },
    );

  const budget = program
    .command('budget')
    .description('Spending limits per workspace, crew or agent and day, week or month')
    .addHelpText(
      'after',
      `
A budget counts the LLM calls of its scope in the current UTC window. soft: a warning in the journal
and the inbox at 80 %. hard (the default): also refuses the next LLM call at 100 %, which ends the
run with reason budget_exceeded. --tokens limits count subscription usage too, whose dollars are
unknown. Setting a budget for a scope and window that already has one replaces it.

Examples:
  $ crewship budget set --scope workspace --window month --usd 200
  $ crewship budget set --scope crew --crew web-team --window day --soft --usd 5
  $ crewship budget set --scope agent --agent reviewer --window week --tokens 2000000
  $ crewship budget list
  $ crewship budget delete 01J9Z5… --yes`,
    );

  budget
    .command('list')
    .description('List budgets with what the current window has spent and the share used')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const budgets = await api.budgets.list();
      if (wantsJson(command)) return out.json(budgets);
      const slugs = await slugsById(api, {
        crews: budgets.some((row) => row.scope === 'crew'),
        agents: budgets.some((row) => row.scope === 'agent'),
      });
      out.table(
        budgets,
        [
          { header: 'ID', value: (row: Budget) => row.id },
          { header: 'SCOPE', value: (row: Budget) => scopeLabel(row, slugs) },
          { header: 'WINDOW', value: (row: Budget) => row.window },
          { header: 'MODE', value: (row: Budget) => row.mode },
          { header: 'USD', value: (row: Budget) => spentOf(row.spent_usd, row.limit_usd, formatUsd) },
          {
            header: 'TOKENS',
            value: (row: Budget) => spentOf(row.spent_tokens, row.limit_tokens, formatCount),
          },
          { header: 'USED', value: (row: Budget) => usedPercent(row) },
          { header: 'SINCE', value: (row: Budget) => formatTime(row.window_start) },
        ],
        'No budgets yet. Set one with `crewship budget set --scope workspace --window month --usd 100`.',
      );
    });

  budget
    .command('set')
    .description('Create or replace the budget of a scope and window (Admin)')
    .addOption(
      new Option(
        '--scope <scope>',
        'what the budget covers (default: from --crew/--agent, else workspace)',
      ).choices(BUDGET_SCOPES),
    )
    .addOption(new Option('--crew <ref>', 'the crew (id or slug) of a crew budget').conflicts('agent'))
    .addOption(new Option('--agent <ref>', 'the agent (id or slug) of an agent budget'))
    .addOption(windowOption('the UTC window the limit applies to').makeOptionMandatory())
    .addOption(new Option('--soft', 'warn at 80 %, never block').conflicts('hard'))
    .addOption(new Option('--hard', 'warn at 80 % and block LLM calls at 100 % (the default)'))
    .option('--usd <amount>', 'dollar limit per window', parseNonNegativeNumber)
    .option('--tokens <count>', 'token limit per window (input + output + cache)', parseNonNegativeInteger)
    .action(
      async (
        options: {
          scope?: BudgetScope;
          crew?: string;
          agent?: string;
          window: BudgetWindow;
          soft?: boolean;
          usd?: number;
          tokens?: number;
        },
        command: Command,
      ) => {
        const scope = options.scope ?? (options.crew ? 'crew' : options.agent ? 'agent' : 'workspace');
        const reference = scope === 'crew' ? options.crew : scope === 'agent' ? options.agent : undefined;
        const stray =
          scope !== 'crew' && options.crew ? '--crew' : scope !== 'agent' && options.agent ? '--agent' : null;
        if (stray) {
          throw new CrewshipError('invalid_input', `${stray} does not go with --scope ${scope}`);
        }
        if (scope !== 'workspace' && !reference) {
          throw new CrewshipError('invalid_input', `a ${scope} budget needs --${scope} REF`);
        }
        if (options.usd === undefined && options.tokens === undefined) {
          throw new CrewshipError('invalid_input', 'give a limit: --usd AMOUNT, --tokens COUNT or both');
        }
        const request = validated(
          setBudgetRequestSchema,
          {
            scope,
            ...(reference ? { scope_ref: reference } : {}),
            window: options.window,
            mode: options.soft ? 'soft' : 'hard',
            ...(options.usd === undefined ? {} : { limit_usd: options.usd }),
            ...(options.tokens === undefined ? {} : { limit_tokens: options.tokens }),
          },
          'budget',
        );
        const { api } = signedInClient(context, command);
        const saved = await api.budgets.set(request);
        if (wantsJson(command)) return out.json(saved);
        out.record({
          id: saved.id,
          scope: scopeLabel(saved, new Map(reference ? [[saved.scope_id, reference]] : [])),
          window: saved.window,
          mode: saved.mode,
          limit_usd: formatUsd(saved.limit_usd),
          limit_tokens: formatCount(saved.limit_tokens),
          spent_usd: formatUsd(saved.spent_usd),
          spent_tokens: formatCount(saved.spent_tokens),
          used: usedPercent(saved),
        });
      },
    );

  budget
    .command('delete')
    .description('Delete a budget (Admin)')
    .argument('<id>', 'budget id, as `crewship budget list` shows it')
    .option('--yes', 'confirm the deletion')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      confirmed(options.yes, `budget ${id}`, `crewship budget delete ${id}`);
      const { api } = signedInClient(context, command);
      await api.budgets.delete(id);
      if (wantsJson(command)) return out.json({ deleted: true, budget: id });
      out.line(`Deleted budget ${id}.`);
    });
}
