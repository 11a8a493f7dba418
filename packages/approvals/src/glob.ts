/** A compiled case-insensitive glob: `*` any run (also empty), `?` one UTF-16 unit, the rest literal. */
export type GlobMatcher = (text: string) => boolean;

const REGEX_SPECIAL = /[\\^$.|+()[\]{}*?]/g;

/** One `*`-free piece as a sticky regex; it has no quantifiers, so it can never backtrack. */
function piece(source: string): { length: number; at(text: string, index: number): boolean; regex: RegExp } {
  const body = source.replace(REGEX_SPECIAL, (char) => (char === '?' ? '[\\s\\S]' : `\\${char}`));
  const sticky = new RegExp(body, 'iy');
  return {
    length: source.length,
    regex: new RegExp(body, 'ig'),
    at(text, index) {
      sticky.lastIndex = index;
      return sticky.test(text);
    },
  };
}

/**
 * Splits the pattern at `*` and places the pieces left to right, each at its leftmost match: for
 * `*`-globs that choice is always safe, so matching takes one pass and never backtracks (no ReDoS).
 */
export function compileGlob(pattern: string): GlobMatcher {
  const sources = pattern.split('*');
  const head = piece(sources[0] ?? '');
  if (sources.length === 1) return (text) => text.length === head.length && head.at(text, 0);
  const tail = piece(sources[sources.length - 1] ?? '');
  const middle = sources
    .slice(1, -1)
    .filter((source) => source.length > 0)
    .map(piece);
  const minimum = head.length + tail.length + middle.reduce((sum, part) => sum + part.length, 0);
  return (text) => {
    if (text.length < minimum) return false;
    if (!head.at(text, 0)) return false;
    const end = text.length - tail.length;
    if (!tail.at(text, end)) return false;
    let position = head.length;
    for (const part of middle) {
      part.regex.lastIndex = position;
      const found = part.regex.exec(text);
      if (!found || found.index + part.length > end) return false;
      position = found.index + part.length;
    }
    return true;
  };
}
