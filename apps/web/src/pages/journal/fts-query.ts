const OPERATORS = new Set(['AND', 'OR', 'NOT']);
const BAREWORD = /^[\p{L}\p{N}_]+$/u;

function balanced(text: string): boolean {
  if ((text.match(/"/g)?.length ?? 0) % 2 !== 0) return false;
  let depth = 0;
  for (const char of text.replace(/"[^"]*"/g, '')) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/**
 * What the journal's FTS5 search gets for what a person typed: words FTS5 would read as syntax
 * (`approve-me`, `README.md`, `user:42`) are quoted, so plain text just works. Input that already uses
 * FTS5 syntax (balanced double quotes, parentheses) is sent unchanged; a trailing `*` still means a prefix.
 */
export function toFtsQuery(input: string): string {
  let text = input.trim();
  if (/["()]/.test(text)) {
    if (balanced(text)) return text;
    text = text.replace(/["()]/g, ' ');
  }
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      if (OPERATORS.has(word)) return word;
      const prefix = word.length > 1 && word.endsWith('*');
      const stem = prefix ? word.slice(0, -1) : word;
      const quoted = BAREWORD.test(stem) ? stem : `"${stem}"`;
      return prefix ? `${quoted}*` : quoted;
    })
    .join(' ');
}
