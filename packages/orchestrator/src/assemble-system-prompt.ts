import type { Agent, ChatHistoryTurn, Crew } from '@crewship/contracts';

/** Role-specific opening of every system prompt. */
export interface CrewshipEthos {
  lead: string;
  member: string;
}

export const DEFAULT_ETHOS: CrewshipEthos = {
  lead: [
    'You are the lead of a crew aboard Crewship: a small ship of AI agents sailing on a real computer.',
    'Your crew trusts you to turn a request into a plan, give each member a clear part of it, check what',
    'comes back and deliver one coherent result. Be decisive, keep the log honest, and say plainly what',
    'is done, what is not, and why.',
  ].join(' '),
  member: [
    'You are a member of a crew aboard Crewship: a small ship of AI agents sailing on a real computer.',
    'You own your part of the voyage: do it thoroughly, leave your work where the crew can find it,',
    'follow the direction of your lead, and report plainly what you did, what you found and what is',
    'still open.',
  ].join(' '),
};

export interface SystemPromptSkill {
  name: string;
  content: string;
}

export interface SystemPromptInput {
  agent: Pick<Agent, 'name' | 'slug' | 'role' | 'persona'>;
  crew: Pick<Crew, 'name' | 'slug' | 'description'>;
  /** Workspace language preference; the section is omitted when absent. */
  language?: string | null;
  ethos?: CrewshipEthos;
  /** Skill playbooks; the section is omitted when there are none. */
  skills?: readonly SystemPromptSkill[];
  /** Oldest first. Trimmed from the oldest end to 60% of the remaining budget. */
  history: readonly ChatHistoryTurn[];
  /** Recalled memory; cut to 40% of the remaining budget, omitted when blank. */
  memory: string;
  /** Total size in characters the assembled prompt aims at. */
  budgetChars: number;
}

export interface SystemPromptBudgets {
  /** What is left of the budget after the fixed sections. */
  remaining: number;
  history: number;
  memory: number;
}

export interface AssembledSystemPrompt {
  text: string;
  budgets: SystemPromptBudgets;
  historyTurnsKept: number;
  historyTurnsDropped: number;
}

const SEPARATOR = '\n\n';
const HISTORY_SHARE = 0.6;
const MEMORY_SHARE = 0.4;
const HISTORY_HEADER = '[CONVERSATION HISTORY]';
const MEMORY_HEADER = '[AGENT MEMORY]';
const TRUNCATION_MARK = '\n[…truncated]';

type SectionInput = Omit<SystemPromptInput, 'history' | 'memory' | 'budgetChars'>;

function section(header: string, body: string): string {
  return `${header}\n${body.trim()}`;
}

function fixedSections(input: SectionInput) {
  const { agent, crew } = input;
  const ethos = input.ethos ?? DEFAULT_ETHOS;
  const isLead = agent.role === 'LEAD';
  const crewLine = crew.description.trim() ? `${crew.description.trim()}\n` : '';
  const head = [section('[CREWSHIP ETHOS]', isLead ? ethos.lead : ethos.member)];
  const language = input.language?.trim();
  if (language) {
    head.push(
      section(
        '[LANGUAGE PREFERENCE]',
        `Answer in ${language} unless the user explicitly asks for another language.`,
      ),
    );
  }
  head.push(
    section(
      '[AGENT IDENTITY]',
      [
        `Name: ${agent.name}`,
        `Slug: ${agent.slug}`,
        `Role: ${agent.role} (${isLead ? 'crew lead' : 'crew member'})`,
        `Crew: ${crew.name} (${crew.slug})`,
      ].join('\n'),
    ),
  );
  if (agent.persona.trim()) head.push(section('[PERSONA]', agent.persona));
  const skills = input.skills ?? [];
  if (skills.length > 0) {
    head.push(
      section(
        '[SKILLS AVAILABLE]',
        skills.map((skill) => `## ${skill.name}\n${skill.content.trim()}`).join('\n\n'),
      ),
    );
  }
  const context = isLead
    ? section(
        '[CREW CONTEXT]',
        `You lead the crew "${crew.name}" (${crew.slug}).\n${crewLine}` +
          'Shared space for the whole crew: /crew/shared. Each agent delivers into /output/{agent-slug}; ' +
          `yours is /output/${agent.slug}. Scratch space: /workspace.\n` +
          'Break the work down, decide who does what, review what comes back and answer for the result.',
      )
    : section(
        '[PEER CONTEXT]',
        `You are a member of the crew "${crew.name}" (${crew.slug}).\n${crewLine}` +
          'Share files with your peers in /crew/shared and put your deliverables in ' +
          `/output/${agent.slug}. Scratch space: /workspace.\n` +
          'Follow the direction of your crew lead and report results so a peer can pick them up.',
      );
  const memoryDir = `/crew/agents/${agent.slug}/.memory/`;
  const instructions = section(
    '[MEMORY INSTRUCTIONS]',
    [
      `Your long-term memory is the directory ${memoryDir}; it persists between runs.`,
      `- Read: at the start of a task, list it (ls ${memoryDir}) and read the files relevant to the task.`,
      '- Write: when you learn something worth keeping (a user preference, a decision, a fact about the',
      '  project, a lesson from a mistake), create or update a short Markdown file there, one topic per',
      '  file with a descriptive name such as preferences.md or project-build.md.',
      '- Keep entries short and factual, update instead of duplicating, and never store secrets there.',
    ].join('\n'),
  );
  return { head, context, instructions };
}

/** The fixed sections' size decides what is left for history (60%) and memory (40%). */
export function systemPromptBudgets(input: SectionInput & { budgetChars: number }): SystemPromptBudgets {
  const { head, context, instructions } = fixedSections(input);
  const fixedLength = [...head, context, instructions].join(SEPARATOR).length;
  // The history and memory sections each add one separator when present.
  const remaining = Math.max(0, input.budgetChars - fixedLength - 2 * SEPARATOR.length);
  return {
    remaining,
    history: Math.floor(remaining * HISTORY_SHARE),
    memory: Math.floor(remaining * MEMORY_SHARE),
  };
}

function renderTurn(turn: ChatHistoryTurn): string {
  return `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`;
}

function historySection(history: readonly ChatHistoryTurn[], budget: number) {
  const kept: string[] = [];
  let length = HISTORY_HEADER.length;
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const rendered = renderTurn(history[index]!);
    const added = rendered.length + (kept.length === 0 ? 1 : SEPARATOR.length);
    if (length + added > budget) {
      // The newest turn is kept in part rather than dropping the conversation entirely.
      const room = budget - length - 1 - TRUNCATION_MARK.length;
      if (kept.length === 0 && room > 0) kept.unshift(rendered.slice(0, room) + TRUNCATION_MARK);
      break;
    }
    kept.unshift(rendered);
    length += added;
  }
  if (kept.length === 0) return { text: null, kept: 0 };
  return { text: `${HISTORY_HEADER}\n${kept.join(SEPARATOR)}`, kept: kept.length };
}

function memorySection(memory: string, budget: number): string | null {
  const body = memory.trim();
  if (!body) return null;
  const room = budget - MEMORY_HEADER.length - 1;
  if (body.length <= room) return `${MEMORY_HEADER}\n${body}`;
  if (room - TRUNCATION_MARK.length <= 0) return null;
  return `${MEMORY_HEADER}\n${body.slice(0, room - TRUNCATION_MARK.length)}${TRUNCATION_MARK}`;
}

/**
 * Builds the system prompt in the documented order: ethos, language, identity, persona, skills,
 * history (60% of what the fixed sections leave), crew or peer context, memory (40%), memory instructions.
 */
export function assembleSystemPrompt(input: SystemPromptInput): AssembledSystemPrompt {
  const { head, context, instructions } = fixedSections(input);
  const budgets = systemPromptBudgets(input);
  const history = historySection(input.history, budgets.history);
  const memory = memorySection(input.memory, budgets.memory);
  const sections = [...head];
  if (history.text) sections.push(history.text);
  sections.push(context);
  if (memory) sections.push(memory);
  sections.push(instructions);
  return {
    text: sections.join(SEPARATOR),
    budgets,
    historyTurnsKept: history.kept,
    historyTurnsDropped: input.history.length - history.kept,
  };
}
