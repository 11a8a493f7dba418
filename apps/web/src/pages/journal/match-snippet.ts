const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR']);
const RADIUS = 60;

/** The words a search looks for, without FTS5 syntax: quotes, prefix stars, operators, parentheses. */
export function searchTerms(query: string): string[] {
  const phrases = [...query.matchAll(/"([^"]+)"/g)].map((match) => match[1]?.trim() ?? '');
  const rest = query
    .replace(/"[^"]*"/g, ' ')
    .replace(/[()*]/g, ' ')
    .split(/\s+/)
    .filter((word) => word && !OPERATORS.has(word));
  return [...phrases, ...rest].filter(Boolean).map((term) => term.toLowerCase());
}

function strings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

/**
 * Where a search matched inside an entry's payload, as text around the first hit split into
 * `[before, match, after]`; null when the summary already shows it or no term is found as typed.
 */
export function matchSnippet(
  summary: string,
  payload: Record<string, unknown>,
  query: string,
): [string, string, string] | null {
  const terms = searchTerms(query);
  if (terms.length === 0 || terms.some((term) => summary.toLowerCase().includes(term))) return null;
  for (const text of strings(payload, [])) {
    const lower = text.toLowerCase();
    for (const term of terms) {
      const at = lower.indexOf(term);
      if (at < 0) continue;
      const start = Math.max(0, at - RADIUS);
      const end = Math.min(text.length, at + term.length + RADIUS);
      return [
        `${start > 0 ? '…' : ''}${text.slice(start, at)}`.replace(/\s+/g, ' '),
        text.slice(at, at + term.length),
        `${text.slice(at + term.length, end)}${end < text.length ? '…' : ''}`.replace(/\s+/g, ' '),
      ];
    }
  }
  return null;
}
