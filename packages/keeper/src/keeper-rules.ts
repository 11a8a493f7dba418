import { CrewshipError, type FieldIssue } from '@crewship/contracts';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { globMatch } from './glob-match.js';

export const KEEPER_RULE_ACTIONS = ['allow', 'deny', 'require_approval', 'escalate'] as const;
export type KeeperRuleAction = (typeof KEEPER_RULE_ACTIONS)[number];
export const KEEPER_RULE_KINDS = ['request', 'execute', 'any'] as const;
export type KeeperRuleKind = (typeof KEEPER_RULE_KINDS)[number];
/** Credentials no `levels` entry names are at this level; only level 1 takes the request fast path. */
export const DEFAULT_CREDENTIAL_LEVEL = 2;
export const KEEPER_RULES_MAX_BYTES = 256 * 1024;

const glob = z.string().min(1).max(500);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(500)
    .nullish()
    .transform((value) => value ?? []);

const ruleSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    action: z.enum(KEEPER_RULE_ACTIONS),
    kind: z.enum(KEEPER_RULE_KINDS).default('any'),
    agent: glob.optional(),
    credential: glob.optional(),
    intent: glob.optional(),
    command: glob.optional(),
  })
  .refine((rule) => rule.kind !== 'request' || rule.command === undefined, {
    message: 'a request rule has no command to match',
    path: ['command'],
  });

const levelSchema = z.strictObject({ credential: glob, level: z.number().int().min(1).max(3) });

const ruleSetSchema = z.strictObject({ levels: list(levelSchema), rules: list(ruleSchema) });

export type KeeperRule = z.infer<typeof ruleSchema>;
export type KeeperCredentialLevel = z.infer<typeof levelSchema>;
export interface KeeperRuleSet {
  levels: KeeperCredentialLevel[];
  /** In order; the first rule whose every given glob matches wins. */
  rules: KeeperRule[];
}

/** What a rule is matched against. */
export interface KeeperRuleSubject {
  endpoint: 'request' | 'execute';
  agent: string;
  credentialName: string;
  credentialId: string;
  intent: string;
  command: string | null;
}

/** Parses and validates a workspace's Keeper YAML; throws `invalid_input` naming the line where it can. */
export function parseKeeperRules(yaml: string): KeeperRuleSet {
  if (typeof yaml !== 'string') throw new CrewshipError('invalid_input', 'keeper rules must be YAML text');
  if (Buffer.byteLength(yaml) > KEEPER_RULES_MAX_BYTES) {
    throw new CrewshipError('too_large', `keeper rules are larger than ${KEEPER_RULES_MAX_BYTES} bytes`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  if (document.errors.length > 0) {
    const issues: FieldIssue[] = document.errors.map((error) => ({
      path: '',
      message: `line ${lineCounter.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`,
    }));
    throw invalid(issues);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (error) {
    throw new CrewshipError('invalid_input', 'keeper rules: the YAML could not be read', { cause: error });
  }
  const parsed = ruleSetSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    const line = lineOf(document, lineCounter, path);
    return {
      path: path.join('.'),
      message: line === null ? issue.message : `line ${line}: ${issue.message}`,
    };
  });
  throw invalid(issues);
}

function invalid(issues: FieldIssue[]): CrewshipError {
  const first = issues[0];
  const where = first === undefined ? '' : [first.path, first.message].filter(Boolean).join(': ');
  return new CrewshipError('invalid_input', `keeper rules: ${where}`, { details: { issues } });
}

/** The line of the deepest YAML node that exists on the issue's path. */
function lineOf(
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): number | null {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return null;
}

/** The security level of a credential: the first `levels` entry whose glob matches its name or id. */
export function credentialLevel(ruleSet: KeeperRuleSet, credential: { name: string; id: string }): number {
  const entry = ruleSet.levels.find(
    (level) => globMatch(level.credential, credential.name) || globMatch(level.credential, credential.id),
  );
  return entry?.level ?? DEFAULT_CREDENTIAL_LEVEL;
}

/** The first rule that matches, or null. */
export function matchKeeperRule(ruleSet: KeeperRuleSet, subject: KeeperRuleSubject): KeeperRule | null {
  return ruleSet.rules.find((rule) => ruleMatches(rule, subject)) ?? null;
}

function ruleMatches(rule: KeeperRule, subject: KeeperRuleSubject): boolean {
  if (rule.kind !== 'any' && rule.kind !== subject.endpoint) return false;
  if (rule.agent !== undefined && !globMatch(rule.agent, subject.agent)) return false;
  if (
    rule.credential !== undefined &&
    !globMatch(rule.credential, subject.credentialName) &&
    !globMatch(rule.credential, subject.credentialId)
  ) {
    return false;
  }
  if (rule.intent !== undefined && !globMatch(rule.intent, subject.intent)) return false;
  if (rule.command !== undefined && (subject.command === null || !globMatch(rule.command, subject.command))) {
    return false;
  }
  return true;
}
