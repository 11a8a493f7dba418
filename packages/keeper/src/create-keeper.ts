import {
  CrewshipError,
  checkKeeperCommand,
  type JournalWriter,
  type KEEPER_DECIDERS,
  type KeeperPort,
  type KeeperResponse,
  keeperExecuteBodySchema,
  keeperRequestBodySchema,
  type keeperRulesDocumentSchema,
  type keeperStatusSchema,
  type Logger,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { z } from 'zod';
import { credentialEnvName, isReservedEnvName } from './credential-env-name.js';
import { createKeeperJudge, type KeeperJudgeConfig, keeperJudgeConfigSchema } from './keeper-judge.js';
import {
  credentialLevel,
  KEEPER_RULES_MAX_BYTES,
  type KeeperRule,
  type KeeperRuleSet,
  matchKeeperRule,
  parseKeeperRules,
} from './keeper-rules.js';
import { hasVisibleText, l1Intent } from './l1-intent.js';

export type KeeperRulesDocument = z.infer<typeof keeperRulesDocumentSchema>;
export type KeeperStatus = z.infer<typeof keeperStatusSchema>;
type Decider = (typeof KEEPER_DECIDERS)[number];
type Risk = KeeperResponse['risk'];
type Endpoint = 'request' | 'execute';
interface CrewScope {
  workspaceId: string;
  crewId: string;
}

export interface KeeperOptions {
  /** Holds `keeper_rules` and the `journal_entries` counted by `status()`. */
  database: CrewshipDatabase;
  journal: JournalWriter;
  logger: Logger;
  /** Null → every decision that needs a judge is denied (fail closed). */
  judge: KeeperJudgeConfig | null;
  /** Agent by slug in a crew. */
  findAgent(crewId: string, slug: string): Promise<{ id: string; slug: string } | null>;
  /** The credential (by name or id) if it is assigned to the agent in the workspace, with its plaintext value. */
  resolveCredential(
    workspaceId: string,
    agentId: string,
    reference: string,
  ): Promise<{ id: string; name: string; value: string } | null>;
  /** Runs `command` with `sh -c` inside the crew container as the keeper UID with exactly `env` added; output is raw. */
  runCommand(input: {
    crewId: string;
    command: string;
    env: Record<string, string>;
    timeoutMs: number;
  }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** require_approval rules: resolves true when approved (the server binds the approvals gate). */
  requestApproval(input: {
    workspaceId: string;
    crewId: string;
    agentId: string;
    summary: string;
    detail: Record<string, unknown>;
  }): Promise<boolean>;
  /** A scrubber for one call: redacts credential shapes and these literal values (with encodings). */
  scrubberFor(secrets: readonly string[]): (text: string) => string;
  now?: () => Date;
}

export interface Keeper extends KeeperPort {
  request(crew: CrewScope, body: unknown): Promise<KeeperResponse>;
  execute(crew: CrewScope, body: unknown): Promise<KeeperResponse>;
  rules: {
    /** The workspace's YAML (empty when never set). */
    get(workspaceId: string): KeeperRulesDocument;
    /** Validates and stores the YAML; throws `invalid_input` (with the line) or `not_found`. */
    set(workspaceId: string, yaml: string, by: string): KeeperRulesDocument;
  };
  status(workspaceId: string): KeeperStatus;
}

export const KEEPER_OUTPUT_MAX_BYTES = 64 * 1024;
export const KEEPER_DEFAULT_TIMEOUT_SECONDS = 60;
const JOURNAL_INTENT_CHARS = 500;
const JOURNAL_COMMAND_CHARS = 2000;
const TRUNCATED = '\n[truncated by Keeper]';

const scopeSchema = z.object({ workspaceId: z.string().min(1), crewId: z.string().min(1) });

/** What is known about one call so far; everything the journal entry and the response are built from. */
interface Call {
  endpoint: Endpoint;
  scope: CrewScope;
  /** Set once the agent is found in the crew. */
  agent: { id: string | null; slug: string | null };
  /** The slug the body named, found or not. */
  claimedAgent: string | null;
  /** Name once resolved, else the reference the agent gave. */
  credential: string | null;
  credentialId: string | null;
  value: string | null;
  /** Built on first use, for the value known at that time. */
  scrub: ((text: string) => string) | null;
  intent: string | null;
  command: string | null;
  rule: string | null;
}

interface Outcome {
  decision: 'allow' | 'deny';
  decidedBy: Decider;
  reason: string;
  risk: Risk;
}

const deny = (decidedBy: Decider, reason: string): Outcome => ({
  decision: 'deny',
  decidedBy,
  reason,
  risk: null,
});

/**
 * Creates Keeper: decides `/keeper/request` and `/keeper/execute` for one crew. Order: body schema,
 * agent, credential, command syntax (execute), then the first matching workspace rule, the L1 fast path
 * (request only) and the judge, which fails closed. Every call writes one `keeper.decision` entry.
 */
export function createKeeper(options: KeeperOptions): Keeper {
  const judgeConfig = options.judge === null ? null : parseJudgeConfig(options.judge);
  const logger = options.logger.child({ component: 'keeper' });
  const judge = createKeeperJudge(judgeConfig, logger);
  const now = options.now ?? (() => new Date());
  const { sqlite } = options.database;
  const cache = new Map<string, { yaml: string; ruleSet: KeeperRuleSet }>();

  const selectRules = sqlite.prepare<[string], { yaml: string; updated_at: string }>(
    'SELECT yaml, updated_at FROM keeper_rules WHERE workspace_id = ?',
  );
  const upsertRules = sqlite.prepare<[string, string, string, string]>(
    `INSERT INTO keeper_rules (workspace_id, yaml, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (workspace_id) DO UPDATE SET yaml = excluded.yaml, updated_at = excluded.updated_at,
       updated_by = excluded.updated_by`,
  );
  const countDecisions = sqlite.prepare<[string, string], { decision: string | null; count: number }>(
    `SELECT json_extract(payload, '$.decision') AS decision, COUNT(*) AS count FROM journal_entries
     WHERE workspace_id = ? AND entry_type = 'keeper.decision' AND at >= ? GROUP BY decision`,
  );

  const ruleSetOf = (workspaceId: string, yaml: string): KeeperRuleSet => {
    const cached = cache.get(workspaceId);
    if (cached?.yaml === yaml) return cached.ruleSet;
    const ruleSet = parseKeeperRules(yaml);
    cache.set(workspaceId, { yaml, ruleSet });
    return ruleSet;
  };

  const loadRuleSet = (workspaceId: string): KeeperRuleSet => {
    const row = selectRules.get(workspaceId);
    return row === undefined ? { levels: [], rules: [] } : ruleSetOf(workspaceId, row.yaml);
  };

  const documentOf = (workspaceId: string, row: { yaml: string; updated_at: string } | undefined) => {
    if (row === undefined) return { yaml: '', rules: 0, updated_at: null };
    let rules = 0;
    try {
      rules = ruleSetOf(workspaceId, row.yaml).rules.length;
    } catch (error) {
      logger.warn('stored keeper rules do not parse', { workspaceId, error: String(error) });
    }
    return { yaml: row.yaml, rules, updated_at: row.updated_at };
  };

  const decide = async (
    call: Call,
    ruleSet: KeeperRuleSet,
    subject: { level: number; intent: string },
  ): Promise<Outcome> => {
    const rule = matchKeeperRule(ruleSet, {
      endpoint: call.endpoint,
      agent: call.agent.slug!,
      credentialName: call.credential!,
      credentialId: call.credentialId!,
      intent: subject.intent,
      command: call.command,
    });
    call.rule = rule?.name ?? null;
    if (rule !== null) return applyRule(call, rule, subject);
    if (call.endpoint === 'request' && subject.level === 1 && l1Intent(subject.intent)) {
      return {
        decision: 'allow',
        decidedBy: 'l1',
        reason: 'L1 credential with a stated intent',
        risk: 'low',
      };
    }
    return askJudge(call, subject);
  };

  const applyRule = async (call: Call, rule: KeeperRule, subject: { level: number; intent: string }) => {
    switch (rule.action) {
      case 'allow':
        return {
          decision: 'allow',
          decidedBy: 'rule',
          reason: `allowed by rule ${rule.name}`,
          risk: null,
        } as const;
      case 'deny':
        return deny('rule', `denied by rule ${rule.name}`);
      case 'escalate':
        return askJudge(call, subject);
      case 'require_approval':
        return askApproval(call, rule, subject);
    }
  };

  const askJudge = async (call: Call, subject: { level: number; intent: string }): Promise<Outcome> => {
    const scrub = scrubberOf(call);
    const verdict = await judge({
      endpoint: call.endpoint,
      agent: call.agent.slug!,
      credential: call.credential!,
      level: subject.level,
      intent: scrub(subject.intent),
      command: call.command === null ? null : scrub(call.command),
    });
    if (!verdict.ok) return deny('fail_closed', verdict.reason);
    return { decision: verdict.decision, decidedBy: 'judge', reason: verdict.reason, risk: verdict.risk };
  };

  const askApproval = async (
    call: Call,
    rule: KeeperRule,
    subject: { level: number; intent: string },
  ): Promise<Outcome> => {
    const scrub = scrubberOf(call);
    const command = call.command === null ? null : clip(scrub(call.command), JOURNAL_COMMAND_CHARS);
    const summary =
      `Keeper ${call.endpoint}: ${call.agent.slug} wants ${call.credential}` +
      (command === null ? '' : `: ${clip(command, 200)}`);
    try {
      const approved = await options.requestApproval({
        workspaceId: call.scope.workspaceId,
        crewId: call.scope.crewId,
        agentId: call.agent.id!,
        summary,
        detail: {
          endpoint: call.endpoint,
          agent: call.agent.slug,
          credential: call.credential,
          level: subject.level,
          intent: clip(scrub(subject.intent), JOURNAL_INTENT_CHARS),
          command,
          rule: rule.name,
        },
      });
      return approved
        ? { decision: 'allow', decidedBy: 'approval', reason: `approved (rule ${rule.name})`, risk: null }
        : deny('approval', `not approved (rule ${rule.name})`);
    } catch (error) {
      logger.error('keeper approval request failed; denying', { error: String(error) });
      return deny('fail_closed', 'the approval could not be requested');
    }
  };

  const scrubberOf = (call: Call) => {
    call.scrub ??= options.scrubberFor(call.value === null ? [] : [call.value]);
    return call.scrub;
  };

  /** Writes the journal entry; false when it could not be written. */
  const record = async (call: Call, outcome: Outcome, exitCode: number | null): Promise<boolean> => {
    const scrub = scrubberOf(call);
    const credential = call.credential === null ? null : clip(call.credential, 200);
    try {
      await options.journal.append({
        workspaceId: call.scope.workspaceId,
        crewId: call.scope.crewId,
        agentId: call.agent.id,
        entryType: 'keeper.decision',
        severity: outcome.decision === 'deny' ? 'warn' : 'info',
        actor: call.agent.slug === null ? 'system' : `agent:${call.agent.slug}`,
        summary: scrub(
          `keeper ${call.endpoint} ${outcome.decision} (${outcome.decidedBy}): ${credential ?? 'unknown credential'}`,
        ),
        payload: {
          endpoint: call.endpoint,
          agent: call.claimedAgent === null ? null : clip(call.claimedAgent, 100),
          credential,
          intent: call.intent === null ? null : clip(scrub(call.intent), JOURNAL_INTENT_CHARS),
          command: call.command === null ? null : clip(scrub(call.command), JOURNAL_COMMAND_CHARS),
          decision: outcome.decision,
          decided_by: outcome.decidedBy,
          reason: scrub(outcome.reason),
          risk: outcome.risk,
          rule: call.rule,
          exit_code: exitCode,
        },
      });
      return true;
    } catch (error) {
      logger.error('keeper decision could not be journalled', { error: String(error) });
      return false;
    }
  };

  const respond = (call: Call, outcome: Outcome): KeeperResponse => ({
    decision: outcome.decision,
    decided_by: outcome.decidedBy,
    reason: scrubberOf(call)(outcome.reason),
    risk: outcome.risk,
  });

  const refuse = async (call: Call, outcome: Outcome): Promise<KeeperResponse> => {
    await record(call, outcome, null);
    return respond(call, outcome);
  };

  const handle = async (endpoint: Endpoint, crew: CrewScope, body: unknown): Promise<KeeperResponse> => {
    const scope = scopeSchema.safeParse(crew);
    if (!scope.success) {
      throw new CrewshipError('invalid_input', 'keeper: workspaceId and crewId are required');
    }
    const call: Call = {
      endpoint,
      scope: { workspaceId: scope.data.workspaceId, crewId: scope.data.crewId },
      agent: { id: null, slug: null },
      claimedAgent: null,
      credential: null,
      credentialId: null,
      value: null,
      scrub: null,
      intent: null,
      command: null,
      rule: null,
    };
    const parsed = readBody(endpoint, body);
    if (!parsed.success) {
      const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      call.claimedAgent = typeof raw.agent === 'string' ? raw.agent : null;
      call.credential = typeof raw.credential === 'string' ? clip(raw.credential, 200) : null;
      call.intent = typeof raw.intent === 'string' ? clip(raw.intent, 8192) : null;
      call.command = typeof raw.command === 'string' ? clip(raw.command, 8192) : null;
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`);
      return refuse(call, deny('validation', `invalid ${endpoint}: ${issues.join('; ')}`));
    }
    const input = parsed.data;
    const command = input.command;
    call.claimedAgent = input.agent;
    call.credential = input.credential;
    call.intent = input.intent;
    call.command = command;

    const agent = await options.findAgent(call.scope.crewId, input.agent);
    if (agent === null) return refuse(call, deny('validation', `agent ${input.agent} is not in this crew`));
    call.agent = { id: agent.id, slug: agent.slug };

    const credential = await options.resolveCredential(call.scope.workspaceId, agent.id, input.credential);
    if (credential === null) {
      return refuse(
        call,
        deny('validation', `credential ${input.credential} is not assigned to ${agent.slug}`),
      );
    }
    call.credential = credential.name;
    call.credentialId = credential.id;
    call.value = credential.value;
    call.scrub = null;

    let envName: string | null = null;
    if (command !== null) {
      const check = checkKeeperCommand(command);
      if (!check.ok) return refuse(call, deny('validation', `command refused: ${check.reason}`));
      envName = input.env ?? credentialEnvName(credential.name);
      if (isReservedEnvName(envName)) {
        return refuse(
          call,
          deny('validation', `the credential cannot go into ${envName || 'an empty name'}`),
        );
      }
    }
    if (!hasVisibleText(input.intent)) return refuse(call, deny('validation', 'the intent is empty'));

    let ruleSet: KeeperRuleSet;
    try {
      ruleSet = loadRuleSet(call.scope.workspaceId);
    } catch (error) {
      logger.error('keeper rules are invalid; denying', {
        workspaceId: call.scope.workspaceId,
        error: String(error),
      });
      return refuse(call, deny('fail_closed', 'the workspace Keeper rules are invalid'));
    }
    const level = credentialLevel(ruleSet, credential);
    const outcome = await decide(call, ruleSet, { level, intent: input.intent });
    if (outcome.decision === 'deny') return refuse(call, outcome);

    if (command === null) {
      if (!(await record(call, outcome, null))) {
        return respond(call, deny('fail_closed', 'the decision could not be journalled'));
      }
      return { ...respond(call, outcome), value: credential.value };
    }

    const timeoutSeconds = input.timeoutSeconds ?? KEEPER_DEFAULT_TIMEOUT_SECONDS;
    const scrub = scrubberOf(call);
    let result: { exitCode: number; stdout: string; stderr: string };
    try {
      result = await options.runCommand({
        crewId: call.scope.crewId,
        command,
        env: { [envName!]: credential.value },
        timeoutMs: timeoutSeconds * 1000,
      });
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error));
      await record(
        call,
        { ...outcome, reason: `${outcome.reason}; the command could not be run: ${message}` },
        null,
      );
      throw new CrewshipError('unavailable', `keeper could not run the command: ${message}`);
    }
    await record(call, outcome, result.exitCode);
    return {
      ...respond(call, outcome),
      exit_code: result.exitCode,
      stdout: clipBytes(scrub(result.stdout), KEEPER_OUTPUT_MAX_BYTES),
      stderr: clipBytes(scrub(result.stderr), KEEPER_OUTPUT_MAX_BYTES),
    };
  };

  return {
    request: (crew, body) => handle('request', crew, body),
    execute: (crew, body) => handle('execute', crew, body),
    rules: {
      get: (workspaceId) => documentOf(workspaceId, selectRules.get(workspaceId)),
      set: (workspaceId, yaml, by) => {
        if (typeof yaml !== 'string' || yaml.length > KEEPER_RULES_MAX_BYTES) {
          throw new CrewshipError(
            'invalid_input',
            `keeper rules must be YAML text of at most ${KEEPER_RULES_MAX_BYTES} bytes`,
          );
        }
        const ruleSet = parseKeeperRules(yaml);
        const updatedAt = now().toISOString();
        try {
          upsertRules.run(workspaceId, yaml, updatedAt, by);
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
            throw new CrewshipError('not_found', 'workspace not found', { cause: error });
          }
          throw error;
        }
        cache.set(workspaceId, { yaml, ruleSet });
        return { yaml, rules: ruleSet.rules.length, updated_at: updatedAt };
      },
    },
    status: (workspaceId) => {
      const since = new Date(now().getTime() - 24 * 60 * 60 * 1000).toISOString();
      const counts = { allow: 0, deny: 0 };
      for (const row of countDecisions.all(workspaceId, since)) {
        if (row.decision === 'allow' || row.decision === 'deny') counts[row.decision] = row.count;
      }
      return {
        judge: {
          configured: judgeConfig !== null,
          kind: judgeConfig?.kind ?? null,
          model: judgeConfig?.model ?? null,
          url: judgeConfig === null ? null : displayUrl(judgeConfig.url),
          timeout_ms: judgeConfig?.timeoutMs ?? 0,
        },
        rules: documentOf(workspaceId, selectRules.get(workspaceId)).rules,
        decisions_24h: counts,
      };
    },
  };
}

interface KeeperBody {
  agent: string;
  credential: string;
  intent: string;
  command: string | null;
  env: string | undefined;
  timeoutSeconds: number | undefined;
}

function readBody(
  endpoint: Endpoint,
  body: unknown,
): { success: true; data: KeeperBody } | { success: false; error: z.ZodError } {
  if (endpoint === 'request') {
    const parsed = keeperRequestBodySchema.safeParse(body);
    if (!parsed.success) return parsed;
    return {
      success: true,
      data: { ...parsed.data, command: null, env: undefined, timeoutSeconds: undefined },
    };
  }
  const parsed = keeperExecuteBodySchema.safeParse(body);
  if (!parsed.success) return parsed;
  const { timeout_seconds: timeoutSeconds, ...rest } = parsed.data;
  return { success: true, data: { ...rest, env: rest.env, timeoutSeconds } };
}

function parseJudgeConfig(config: KeeperJudgeConfig): KeeperJudgeConfig {
  const parsed = keeperJudgeConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new CrewshipError('invalid_input', 'keeper judge configuration is invalid', {
      details: {
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      },
    });
  }
  return parsed.data;
}

function displayUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}

function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`;
}

/** Clips to `maxBytes` of UTF-8 without splitting a character; a marker says that text was cut. */
function clipBytes(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 4 || Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(TRUNCATED);
  const bytes = Buffer.from(text, 'utf8');
  let end = budget;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8') + TRUNCATED;
}
