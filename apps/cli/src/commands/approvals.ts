import {
  APPROVAL_STATUSES,
  type Approval,
  type ApprovalRule,
  type ApprovalStatus,
  CrewshipError,
  setApprovalRulesRequestSchema,
} from '@crewship/contracts';
import { type Command, Option } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { formatUsd, parseLimit, readDocument, slugsById, validated } from './governance.js';
import { formatTime } from './runs.js';

const LIST_MAX = 500;
const DEFAULT_SYNC_TIMEOUT_SECONDS = 600;

const RULES_EXAMPLE = `{
  "rules": [
    { "name": "destructive shell", "on": "tool_use", "tool": "Bash", "input": "*rm -rf*", "mode": "sync" },
    { "name": "production hosts", "on": "tool_use", "host": "*.prod.example.com", "mode": "sync", "timeout_seconds": 300 },
    { "name": "expensive runs", "on": "tool_use", "cost_over_usd": 2, "mode": "async" },
    { "name": "interns ask first", "on": "run_start", "agent": "intern-*", "mode": "sync" }
  ]
}`;

/** The conditions a rule matches on, e.g. `tool=Bash input=*rm -rf*`. */
function conditions(rule: ApprovalRule): string {
  const parts = [
    rule.tool === undefined ? null : `tool=${rule.tool}`,
    rule.input === undefined ? null : `input=${rule.input}`,
    rule.host === undefined ? null : `host=${rule.host}`,
    rule.cost_over_usd === undefined ? null : `cost>${formatUsd(rule.cost_over_usd)}`,
    rule.crew === undefined ? null : `crew=${rule.crew}`,
    rule.agent === undefined ? null : `agent=${rule.agent}`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? 'always' : parts.join(' ');
}

/** A rules document as JSON: `{"rules": [...]}`, or the bare array. */
function parseRules(text: string, source: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CrewshipError('invalid_input', `${source} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return validated(
    setApprovalRulesRequestSchema,
    Array.isArray(value) ? { rules: value } : value,
    `approval rules in ${source}`,
  );
}

function approvalRecord(approval: Approval, slugs: Map<string, string>) {
  return {
    id: approval.id,
    status: approval.status,
    summary: approval.summary,
    rule: approval.rule_name,
    trigger: approval.trigger,
    mode: approval.mode,
    agent: approval.agent_id ? (slugs.get(approval.agent_id) ?? approval.agent_id) : null,
    crew: approval.crew_id ? (slugs.get(approval.crew_id) ?? approval.crew_id) : null,
    run: approval.run_id,
    requested_at: formatTime(approval.requested_at),
    expires_at: approval.expires_at ? formatTime(approval.expires_at) : null,
    decided_at: approval.decided_at ? formatTime(approval.decided_at) : null,
    decided_by: approval.decided_by,
    note: approval.note,
    detail: approval.detail,
  };
}

export function registerApprovalCommands(program: Command, context: CliContext): void {
  const { out } = context;
  const approvals = program
    .command('approvals')
    .description('Approval gates: rules that hold a run or a tool call until a person decides')
    .addHelpText(
      'after',
      `
Rules are checked in order at run start and before each tool call the model asks for; the first
rule whose every condition matches decides. sync: the run waits (up to timeout_seconds, default
${DEFAULT_SYNC_TIMEOUT_SECONDS}) for \`crewship approvals approve|deny\`; no decision in time denies. async: the
request is logged and the run goes on. none: nothing happens (use it to exempt a case before a
broader rule). Pending requests also reach the inbox of Managers and above.

Examples:
  $ crewship approvals list --status pending
  $ crewship approvals approve 01J9Z6… --note "build dir only"
  $ crewship approvals deny 01J9Z6… --note "not on production"
  $ crewship approvals rules
  $ crewship approvals rules --set rules.json`,
    );

  approvals
    .command('list')
    .description('List approval requests, newest first')
    .addOption(new Option('--status <status>', 'only requests in this state').choices(APPROVAL_STATUSES))
    .option('--run <id>', 'only the requests of this run')
    .option('--limit <n>', `at most this many (default 100, at most ${LIST_MAX})`, parseLimit(LIST_MAX))
    .action(async (options: { status?: ApprovalStatus; run?: string; limit?: number }, command: Command) => {
      const { api } = signedInClient(context, command);
      const requests = await api.approvals.list(options);
      if (wantsJson(command)) return out.json(requests);
      const slugs = await slugsById(api, { agents: requests.some((row) => row.agent_id !== null) });
      out.table(
        requests,
        [
          { header: 'ID', value: (row: Approval) => row.id },
          { header: 'STATUS', value: (row: Approval) => row.status },
          { header: 'MODE', value: (row: Approval) => row.mode },
          { header: 'RULE', value: (row: Approval) => row.rule_name },
          {
            header: 'AGENT',
            value: (row: Approval) => (row.agent_id ? (slugs.get(row.agent_id) ?? row.agent_id) : null),
          },
          { header: 'REQUESTED', value: (row: Approval) => formatTime(row.requested_at) },
          { header: 'SUMMARY', value: (row: Approval) => row.summary },
        ],
        options.status ? `No ${options.status} approval requests.` : 'No approval requests.',
      );
    });

  approvals
    .command('get')
    .description('Show an approval request with what it asks for')
    .argument('<id>', 'approval id')
    .action(async (id: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const approval = await api.approvals.get(id);
      if (wantsJson(command)) return out.json(approval);
      out.record(approvalRecord(approval, await slugsById(api, { crews: true, agents: true })));
    });

  for (const [verb, decision, done] of [
    ['approve', 'approve', 'Approved'],
    ['deny', 'deny', 'Denied'],
  ] as const) {
    approvals
      .command(verb)
      .description(
        decision === 'approve'
          ? 'Approve a pending request (Manager): the waiting run goes on'
          : 'Deny a pending request (Manager): the tool call or run is refused',
      )
      .argument('<id>', 'approval id, as `crewship approvals list` shows it')
      .option('--note <text>', 'why; kept with the decision and shown in the journal')
      .action(async (id: string, options: { note?: string }, command: Command) => {
        const { api } = signedInClient(context, command);
        const decided = await api.approvals.decide(id, {
          decision,
          ...(options.note === undefined ? {} : { note: options.note }),
        });
        if (wantsJson(command)) return out.json(decided);
        out.line(`${done} ${decided.id} (${decided.rule_name}): ${decided.summary}`);
      });
  }

  approvals
    .command('rules')
    .description("Show the workspace's approval rules, or replace them with --set (Admin)")
    .option('--set <file>', 'replace the rules with those of a JSON file; - reads stdin')
    .addHelpText(
      'after',
      `
The file holds {"rules": [...]} (or just the array), checked in order. Each rule: name, on
(run_start | tool_use), mode (none | async | sync), and optional conditions, all of which must match:
tool (tool name glob), input (glob over the tool input as JSON), host (glob over hosts in URLs of the
input), cost_over_usd, agent and crew (slug globs); timeout_seconds for sync rules. Globs are
case-insensitive: * any run of characters, ? one. An empty list turns approvals off.

Example rules.json:
${RULES_EXAMPLE}`,
    )
    .action(async (options: { set?: string }, command: Command) => {
      const request =
        options.set === undefined
          ? undefined
          : parseRules(await readDocument(context, options.set), options.set === '-' ? 'stdin' : options.set);
      const { api } = signedInClient(context, command);
      const document = request ? await api.approvals.setRules(request) : await api.approvals.rules();
      if (wantsJson(command)) return out.json(document);
      if (request)
        out.line(`Saved ${document.rules.length} approval rule${document.rules.length === 1 ? '' : 's'}.`);
      out.table(
        document.rules.map((rule, index) => ({ ...rule, position: index + 1 })),
        [
          { header: '#', value: (row: ApprovalRule & { position: number }) => row.position },
          { header: 'NAME', value: (row: ApprovalRule) => row.name },
          { header: 'ON', value: (row: ApprovalRule) => row.on },
          { header: 'MATCH', value: (row: ApprovalRule) => conditions(row) },
          { header: 'MODE', value: (row: ApprovalRule) => row.mode },
          {
            header: 'TIMEOUT',
            value: (row: ApprovalRule) =>
              row.mode === 'sync' ? `${row.timeout_seconds ?? DEFAULT_SYNC_TIMEOUT_SECONDS}s` : null,
          },
        ],
        'No approval rules: runs and tool calls never wait for a person.',
      );
      if (document.source === 'default') {
        out.line('(the default rules; replace them with `crewship approvals rules --set FILE.json`)');
      }
    });
}
