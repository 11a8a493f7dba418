import { secretForms } from '../src/literal-secrets.js';

const caseless = (word: string) =>
  word.replace(/[a-z]/gi, (letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`);

const JSON_KEYWORDS = ['passw(or)?d', 'secret', 'token', 'api[_-]?key', '(secret|private|access)[_-]?key'];

/**
 * The scrubber's shapes in POSIX ERE (GNU `\b` included), for the `grep -E` baseline. ERE has no
 * lookarounds, so the digit rules and `$VAR` exclusions are dropped and open-ended repeats stay open
 * (`{20,}` rather than `{20,300}`): both make grep's job easier, never harder.
 */
export const ERE_SHAPES = [
  '-----BEGIN (OPENSSH |RSA |EC |DSA |ED25519 |ENCRYPTED )?PRIVATE KEY-----',
  '\\bsk-(ant-|or-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}',
  '\\bAIza[A-Za-z0-9_-]{35}',
  '\\bcur_[A-Za-z0-9]{20,}',
  '\\bfact(ory)?_[A-Za-z0-9]{20,}',
  '\\bxai-[A-Za-z0-9]{20,}',
  '\\bgsk_[A-Za-z0-9]{20,}',
  '\\bgh[pousr]_[A-Za-z0-9]{30,}',
  '\\bgithub_pat_[A-Za-z0-9_]{22,}',
  '\\bglpat-[A-Za-z0-9_-]{20,}',
  '\\bxox[bpars]-[A-Za-z0-9-]{10,}',
  '\\b(AKIA|ASIA)[A-Z0-9]{16}\\b',
  '\\b[Bb]earer[ \t]{1,8}[A-Za-z0-9._~+/-]{20,}',
  '\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{8,}',
  `"[A-Za-z0-9_-]*(${JSON_KEYWORDS.map(caseless).join('|')})\\\\?"[[:space:]]*:[[:space:]]*\\\\?"[^"]`,
  '[A-Z0-9_]*(PASSWORD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)([0-9_][A-Z0-9_]*)?=[^[:space:]$"\'`]',
];

const escapeEre = (text: string) => text.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');

/** One pattern per line: the shapes, then every encoded form of every literal secret. */
export function grepPatternFile(secrets: readonly string[]): string {
  const forms = [...new Set(secrets.flatMap(secretForms))].map(escapeEre);
  return `${[...ERE_SHAPES, ...forms].join('\n')}\n`;
}
