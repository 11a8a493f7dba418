import { CREDENTIAL_PATTERN_GROUPS, type CredentialPattern } from './credential-patterns.js';
import { seq } from './pattern-builder.js';

/** A group of patterns compiled into one alternation; each pattern's groups are prefixed `p<index>_`. */
interface CompiledGroup {
  /** Finds where some pattern's trigger matches: every match starts at such a position. */
  trigger: RegExp;
  triggerReach: number;
  /** Sticky: the match at a trigger position, if any. */
  mainAt: RegExp;
  /** `undecidedAt` is sticky; `undecidedFrom` searches. Both match where an attempt ran into the end. */
  undecidedAt: RegExp;
  undecidedFrom: RegExp;
  reach: number;
  patterns: readonly CredentialPattern[];
}

function prefixGroups(source: string, prefix: string): string {
  return source
    .replace(/\(\?<(?=[A-Za-z])(\w+)>/g, `(?<${prefix}$1>`)
    .replace(/\\k<(\w+)>/g, `\\k<${prefix}$1>`);
}

/** Partials repeat main sources, so a named group would appear twice; they need no groups anyway. */
function withoutGroups(source: string): string {
  if (source.includes('\\k<')) throw new Error(`a partial pattern cannot hold a back reference: ${source}`);
  return source.replace(/\(\?<(?=[A-Za-z])\w+>/g, '(?:');
}

/** Which alternative comes first does not change where the trigger matches; a shared `\b` up front scans faster. */
function triggerSource(triggers: readonly string[]): string {
  const bounded = triggers.filter((source) => source.startsWith('\\b')).map((source) => source.slice(2));
  const others = triggers.filter((source) => !source.startsWith('\\b'));
  return [...(bounded.length > 0 ? [`\\b(?:${bounded.join('|')})`] : []), ...others].join('|');
}

function compileGroup(patterns: readonly CredentialPattern[]): CompiledGroup {
  const pieces = patterns.map((pattern) => seq(pattern.trigger, pattern.rest));
  const main = pieces
    .map((piece, index) => `(?<p${index}>${prefixGroups(piece.main, `p${index}_`)})`)
    .join('|');
  const partial = `(?:${pieces.map((piece) => withoutGroups(piece.partial)).join('|')})$`;
  return {
    trigger: new RegExp(triggerSource(patterns.map((pattern) => withoutGroups(pattern.trigger.main))), 'g'),
    triggerReach: Math.max(...patterns.map((pattern) => pattern.trigger.reach)),
    mainAt: new RegExp(main, 'y'),
    undecidedAt: new RegExp(partial, 'y'),
    undecidedFrom: new RegExp(partial, 'g'),
    reach: Math.max(...pieces.map((piece) => piece.reach)),
    patterns,
  };
}

/** The leftmost match of the group at or after `from`: scan for triggers, try the patterns at each. */
function nextMatch(group: CompiledGroup, text: string, from: number): RegExpExecArray | null {
  const { trigger, mainAt } = group;
  trigger.lastIndex = from;
  for (let found = trigger.exec(text); found !== null; found = trigger.exec(text)) {
    mainAt.lastIndex = found.index;
    const match = mainAt.exec(text);
    if (match !== null) return match;
    trigger.lastIndex = found.index + 1;
  }
  return null;
}

function replacement(group: CompiledGroup, match: RegExpExecArray): string {
  const groups = match.groups!;
  const index = group.patterns.findIndex((_, candidate) => groups[`p${candidate}`] !== undefined);
  return group.patterns[index]!.redact(match[0], (name) => groups[`p${index}_${name}`]);
}

/**
 * Redacts credential shapes. The result equals one alternation of all patterns scanned left to right (the
 * leftmost match wins, ties go to the earlier pattern, scanning resumes after it), but the patterns run in
 * a few groups, each scanning for its triggers (short literals V8 skips through text to find) and trying
 * the full patterns only there: one big alternation scans several times slower.
 */
export class PatternRedactor {
  private readonly groups: CompiledGroup[];
  private readonly pending: (RegExpExecArray | null)[];

  constructor(groups: readonly (readonly CredentialPattern[])[] = CREDENTIAL_PATTERN_GROUPS) {
    this.groups = groups.map(compileGroup);
    this.pending = this.groups.map(() => null);
  }

  /**
   * Appends the scrubbed form of `text` from `from` to `pieces`, taking only matches that start before
   * `acceptBefore`; returns the position up to which output was appended (the end of the last match, or `from`).
   */
  redact(text: string, from: number, acceptBefore: number, pieces: string[]): number {
    const { groups, pending } = this;
    for (let index = 0; index < groups.length; index++)
      pending[index] = nextMatch(groups[index]!, text, from);
    let position = from;
    for (;;) {
      let best = -1;
      let bestStart = acceptBefore;
      for (let index = 0; index < pending.length; index++) {
        const match = pending[index];
        if (match && match.index < bestStart) {
          best = index;
          bestStart = match.index;
        }
      }
      if (best < 0) break;
      const match = pending[best]!;
      pieces.push(text.slice(position, bestStart), replacement(groups[best]!, match));
      position = bestStart + match[0].length;
      for (let index = 0; index < pending.length; index++) {
        const other = pending[index];
        if (other && other.index < position) pending[index] = nextMatch(groups[index]!, text, position);
      }
    }
    pending.fill(null);
    return position;
  }

  /** The first position at or after `from` where a match might start once more text arrives; `text.length` if none. */
  firstUndecided(text: string, from: number): number {
    const end = text.length;
    let first = end;
    for (const group of this.groups) {
      const start = Math.max(from, end - group.reach);
      if (start >= first) continue;
      group.undecidedFrom.lastIndex = Math.max(start, end - group.triggerReach);
      const tail = group.undecidedFrom.exec(text);
      if (tail && tail.index < first) first = tail.index;
      group.trigger.lastIndex = start;
      for (
        let found = group.trigger.exec(text);
        found && found.index < first;
        found = group.trigger.exec(text)
      ) {
        group.undecidedAt.lastIndex = found.index;
        if (group.undecidedAt.test(text)) {
          first = found.index;
          break;
        }
        group.trigger.lastIndex = found.index + 1;
      }
    }
    return first;
  }
}
