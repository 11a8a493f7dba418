/**
 * Case-insensitive glob over the whole text: `*` any run of characters (newlines too), `?` one
 * character, everything else literal. Iterative with one backtrack point, so no pattern can make it
 * explode the way a translated regular expression can.
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi += 1;
      ti += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      pi += 1;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      resume += 1;
      ti = resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
}
