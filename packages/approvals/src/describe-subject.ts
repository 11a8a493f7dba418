import type { ApprovalSubject } from '@crewship/contracts';
import { compactJson } from './match-rule.js';

export const SUMMARY_MAX_CHARS = 200;
export const DETAIL_INPUT_MAX_CHARS = 8192;
export const PROMPT_PREVIEW_MAX_CHARS = 1000;
/** Scrubbing looks this far past a clip point, so a secret cut by the clip is still recognised. */
const SCRUB_MARGIN = 1024;
const SUMMARY_FIELDS = ['command', 'cmd', 'url', 'file_path', 'path'] as const;

export interface SubjectDescription {
  summary: string;
  detail: Record<string, unknown>;
}

/** The one-line summary and the stored detail of a subject; every text passes `scrub` first. */
export function describeSubject(
  subject: ApprovalSubject,
  scrub: (text: string) => string,
): SubjectDescription {
  const scrubbedClip = (text: string, max: number) => clip(scrub(text.slice(0, max + SCRUB_MARGIN)), max);
  if (subject.trigger === 'run_start') {
    return {
      summary: clip(
        `Run start: ${oneLine(scrubbedClip(subject.prompt, SUMMARY_MAX_CHARS))}`,
        SUMMARY_MAX_CHARS,
      ),
      detail: { prompt_preview: scrubbedClip(subject.prompt, PROMPT_PREVIEW_MAX_CHARS) },
    };
  }
  const tool = oneLine(scrubbedClip(subject.toolName, 100));
  const what = oneLine(scrubbedClip(summaryText(subject.input), SUMMARY_MAX_CHARS));
  const json = compactJson(subject.input);
  const detail: Record<string, unknown> = { tool };
  if (json.length <= DETAIL_INPUT_MAX_CHARS) {
    detail.input = scrubValue(subject.input, json, scrub);
  } else {
    detail.input = scrubbedClip(json, DETAIL_INPUT_MAX_CHARS);
    detail.input_truncated = true;
    detail.input_chars = json.length;
  }
  return { summary: clip(`${tool}: ${what}`, SUMMARY_MAX_CHARS), detail };
}

/** A direct request (Keeper): its one-line summary and detail, scrubbed and clipped like a subject's. */
export function describeRequest(
  summary: string,
  detail: Record<string, unknown>,
  scrub: (text: string) => string,
): SubjectDescription {
  const json = compactJson(detail);
  return {
    summary: clip(oneLine(scrub(summary.slice(0, SUMMARY_MAX_CHARS + SCRUB_MARGIN))), SUMMARY_MAX_CHARS),
    detail:
      json.length <= DETAIL_INPUT_MAX_CHARS
        ? (scrubValue(detail, json, scrub) as Record<string, unknown>)
        : {
            input: clip(scrub(json.slice(0, DETAIL_INPUT_MAX_CHARS + SCRUB_MARGIN)), DETAIL_INPUT_MAX_CHARS),
            input_truncated: true,
            input_chars: json.length,
          },
  };
}

function summaryText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const record = input as Record<string, unknown>;
    for (const field of SUMMARY_FIELDS) {
      const value = record[field];
      if (typeof value === 'string' && value.trim().length > 0) return value;
      if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string')) {
        return value.join(' ');
      }
    }
  }
  return compactJson(input);
}

/** The input rebuilt from its JSON with every string and key scrubbed; a string when it is no JSON. */
function scrubValue(input: unknown, json: string, scrub: (text: string) => string): unknown {
  if (typeof input === 'string') return scrub(input);
  try {
    return JSON.parse(json, (_key, value: unknown) => {
      if (typeof value === 'string') return scrub(value);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [scrub(key), child]));
      }
      return value;
    });
  } catch {
    return scrub(json);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
