import type { ApprovalRule, ApprovalSubject } from '@crewship/contracts';
import { compileGlob } from './glob.js';
import { hostsIn } from './hosts-in.js';

/** The subject with its derived texts computed once, however many rules look at them. */
export interface SubjectView {
  subject: ApprovalSubject;
  inputText(): string;
  hosts(): string[];
}

export function viewOf(subject: ApprovalSubject): SubjectView {
  let inputText: string | undefined;
  let hosts: string[] | undefined;
  return {
    subject,
    inputText: () => {
      if (inputText === undefined)
        inputText = subject.trigger === 'tool_use' ? compactJson(subject.input) : '';
      return inputText;
    },
    hosts: () => {
      if (hosts === undefined) hosts = subject.trigger === 'tool_use' ? hostsIn(subject.input) : [];
      return hosts;
    },
  };
}

/** A string input as it is; anything else as compact JSON. */
export function compactJson(input: unknown): string {
  if (typeof input === 'string') return input;
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}

/** Whether every condition the rule gives holds for the subject. */
export function matchRule(rule: ApprovalRule, subject: ApprovalSubject): boolean {
  return matchView(rule, viewOf(subject));
}

export function matchView(rule: ApprovalRule, view: SubjectView): boolean {
  const { subject } = view;
  if (rule.on !== subject.trigger) return false;
  if (rule.cost_over_usd !== undefined && !(subject.runCostUsd > rule.cost_over_usd)) return false;
  if (rule.agent !== undefined && !slugMatches(rule.agent, subject.agentSlug)) return false;
  if (rule.crew !== undefined && !slugMatches(rule.crew, subject.crewSlug)) return false;
  const needsTool = rule.tool !== undefined || rule.input !== undefined || rule.host !== undefined;
  if (!needsTool) return true;
  if (subject.trigger !== 'tool_use') return false;
  if (rule.tool !== undefined && !compileGlob(rule.tool)(subject.toolName)) return false;
  if (rule.input !== undefined && !compileGlob(rule.input)(view.inputText())) return false;
  if (rule.host !== undefined) {
    const matches = compileGlob(rule.host);
    if (!view.hosts().some(matches)) return false;
  }
  return true;
}

function slugMatches(pattern: string, slug: string | null): boolean {
  return slug !== null && compileGlob(pattern)(slug);
}
