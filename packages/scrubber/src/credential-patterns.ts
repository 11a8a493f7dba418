import {
  ahead,
  alt,
  behind,
  boundary,
  capture,
  cls,
  lit,
  opt,
  type Piece,
  raw,
  rep,
  seq,
  words,
} from './pattern-builder.js';
import { redactionMarker, type ScrubType } from './scrub-types.js';

/**
 * One credential shape: a short `trigger` (a literal, so V8 can skip through text looking for it) and the
 * `rest` of the match. `redact` turns the matched text into its replacement, given the named groups.
 */
export interface CredentialPattern {
  trigger: Piece;
  rest: Piece;
  redact(text: string, group: (name: string) => string | undefined): string;
}

/** How far back any pattern's lookbehind reads; the stream keeps this much already-emitted text as context. */
export const LOOKBEHIND_CONTEXT = 256;

const BASE64URL = '[A-Za-z0-9_-]';
const ALNUM = '[A-Za-z0-9]';
/** Values caught by a shape around them can be long, but never unbounded: the stream must hold them. */
const MAX_VALUE = 4096;
/** A private-key body may run this many units (characters, or `\n` escapes) before the block is cut. */
export const MAX_KEY_BODY = 16384;

const whole = (type: ScrubType) => () => redactionMarker(type);

/** Keeps what precedes `value` (a key, a name, `Bearer `) and what follows it (a closing quote). */
function redactValue(type: ScrubType, text: string, value: string | undefined, close = ''): string {
  const kept = text.slice(0, text.length - (value?.length ?? 0) - close.length);
  return `${kept}${redactionMarker(type)}${close}`;
}

/** Requires a digit within the token: keeps identifiers such as `cur_node_value_for_tree` out. */
const digitAhead = (letters: string, max: number) => ahead(seq(rep(letters, 0, max), cls('[0-9]')));

const token = (type: ScrubType, prefix: Piece, body: Piece): CredentialPattern => ({
  trigger: seq(boundary(), prefix),
  rest: body,
  redact: whole(type),
});

const privateKey: CredentialPattern = {
  trigger: lit('-----BEGIN '),
  rest: seq(
    alt(capture('openssh', lit('OPENSSH ')), opt(words(['RSA ', 'EC ', 'DSA ', 'ED25519 ', 'ENCRYPTED ']))),
    lit('PRIVATE KEY-----'),
    rep(
      alt(cls('[A-Za-z0-9+/=\\s:,]'), seq(lit('-'), ahead(lit('----'), true)), seq(lit('\\'), cls('[nrt/]'))),
      0,
      MAX_KEY_BODY,
    ),
    opt(seq(lit('-----END '), rep('[A-Z0-9]', 0, 10), opt(lit(' ')), lit('PRIVATE KEY-----'))),
  ),
  redact: (_, group) => redactionMarker(group('openssh') ? 'openssh_private_key' : 'pem_private_key'),
};

/** `sk-ant-` and `sk-or-` are tried before the generic OpenAI shape, so they get their own type. */
const skKeys: CredentialPattern = {
  trigger: seq(boundary(), lit('sk-')),
  rest: alt(
    seq(capture('anthropic', lit('ant-')), rep(BASE64URL, 20, 300)),
    seq(capture('openrouter', lit('or-')), rep(BASE64URL, 20, 300)),
    seq(opt(words(['proj-', 'svcacct-', 'admin-'])), digitAhead('[A-Za-z_-]', 300), rep(BASE64URL, 20, 300)),
  ),
  redact: (_, group) =>
    redactionMarker(
      group('anthropic') ? 'anthropic_key' : group('openrouter') ? 'openrouter_key' : 'openai_key',
    ),
};

/** `Bearer` is kept and the token after it redacted, JWT or opaque (then it must hold a digit). */
const bearer: CredentialPattern = {
  trigger: seq(boundary(), cls('[Bb]'), lit('earer')),
  rest: seq(
    rep('[ \\t]', 1, 8),
    capture(
      'token',
      seq(digitAhead('[A-Za-z._~+/-]', 8192), rep('[A-Za-z0-9._~+/-]', 20, 8192), rep(cls('='), 0, 2)),
    ),
  ),
  redact: (text, group) => redactValue('jwt_bearer', text, group('token')),
};

const caseless = (source: string) =>
  source.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
/** The keys' last word; scanning for these five (not the sixteen key names) keeps the scan fast. */
const jsonKeyEnd = words(['password', 'passwd', 'secret', 'token', 'key'], true);
const JSON_SECRET_KEY = caseless('(?:passw(?:or)?d|secret|token|(?:api|secret|private|access)[_-]?key)');

/**
 * A JSON string field whose key ends with a secret word (`"password"`, `"GITHUB_TOKEN"`, `"clientSecret"`,
 * `"x_api_key"`), also inside an escaped JSON string (`\"token\":\"…\"`): the value is redacted, the key
 * and the quotes are kept. Numbers, `null`, empty strings and whole references (`"${TOKEN}"`) stay.
 */
const jsonSecretField: CredentialPattern = {
  trigger: seq(
    raw(jsonKeyEnd.main, `(?<="[A-Za-z0-9_-]{0,60})${jsonKeyEnd.partial}`, 8),
    opt(lit('\\')),
    lit('"'),
    behind(`(?<="[A-Za-z0-9_-]{0,60}${JSON_SECRET_KEY}\\\\?")`),
  ),
  rest: seq(
    rep('\\s', 0, 16),
    lit(':'),
    rep('\\s', 0, 16),
    opt(capture('escaped', lit('\\'))),
    lit('"'),
    raw(
      `(?!\\[REDACTED:|\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?\\\\?")(?<value>(?:(?!\\k<escaped>")(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n])){1,${MAX_VALUE}})(?<close>\\k<escaped>")?`,
      `(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n]){0,${MAX_VALUE}}\\\\?`,
      2 * MAX_VALUE + 2,
      2 * MAX_VALUE + 12,
    ),
  ),
  redact: (text, group) => redactValue('json_secret_field', text, group('value'), group('close')),
};

const ENV_KEYWORDS = ['PASSWORD', 'SECRET', 'TOKEN', 'API_KEY', 'APIKEY', 'PRIVATE_KEY', 'ACCESS_KEY'];
const envKeywords = words(ENV_KEYWORDS);
/** Variable references (`$TOKEN`, `${TOKEN}`) and values already redacted are not values to hide. */
const notAValue = () => ahead(alt(lit('$'), lit('[REDACTED:')), true);

/**
 * `export DB_PASSWORD=hunter2`, `GITHUB_TOKEN="x"`: the name (upper case, holding a keyword not followed by
 * a letter, so `MAX_TOKENS` stays) and the quotes are kept. Empty values and `$VAR` / `${VAR}` stay.
 */
const envSecretAssignment: CredentialPattern = {
  trigger: raw(
    `${envKeywords.main}(?<=(?<![A-Za-z0-9_$])[A-Z0-9_]{1,160})`,
    `(?<=(?<![A-Za-z0-9_$])[A-Z0-9_]{0,160})${envKeywords.partial}`,
    11,
  ),
  rest: seq(
    opt(seq(cls('[0-9_]'), rep('[A-Z0-9_]', 0, 128))),
    lit('='),
    alt(
      seq(
        lit('"'),
        notAValue(),
        capture('v1', rep(alt(cls('[^"\\\\\\r\\n]'), seq(lit('\\'), cls('[^\\r\\n]'))), 1, MAX_VALUE)),
        opt(capture('c1', lit('"'))),
      ),
      seq(
        lit("'"),
        notAValue(),
        capture('v2', rep("[^'\\r\\n]", 1, MAX_VALUE)),
        opt(capture('c2', lit("'"))),
      ),
      seq(
        lit('\\"'),
        notAValue(),
        capture('v3', rep(alt(cls('[^"\\\\\\r\\n]'), seq(lit('\\'), cls('[^"\\r\\n]'))), 1, MAX_VALUE)),
        opt(capture('c3', lit('\\"'))),
      ),
      seq(notAValue(), capture('v4', rep('[^\\s"\'`\\\\;&|<>()]', 1, MAX_VALUE))),
    ),
  ),
  redact: (text, group) =>
    redactValue(
      'env_secret_assignment',
      text,
      group('v1') ?? group('v2') ?? group('v3') ?? group('v4'),
      group('c1') ?? group('c2') ?? group('c3'),
    ),
};

/**
 * Every shape, in priority order (when two start at the same position the earlier wins), in groups that
 * each scan as one regex: merged, the token triggers scan faster than one by one, while the PEM marker, the
 * env keywords and the JSON key words scan fastest alone.
 */
export const CREDENTIAL_PATTERN_GROUPS: readonly (readonly CredentialPattern[])[] = [
  [privateKey],
  [
    skKeys,
    token('google_api_key', lit('AIza'), rep(BASE64URL, 35, 35)),
    token('cursor_key', lit('cur_'), seq(digitAhead('[A-Za-z]', 200), rep(ALNUM, 20, 200))),
    token(
      'factory_token',
      words(['fact_', 'factory_']),
      seq(digitAhead('[A-Za-z]', 200), rep(ALNUM, 20, 200)),
    ),
    token('xai_key', lit('xai-'), seq(digitAhead('[A-Za-z]', 200), rep(ALNUM, 20, 200))),
    token('groq_key', lit('gsk_'), rep(ALNUM, 20, 200)),
    token('github_token', seq(lit('gh'), cls('[pousr]'), lit('_')), rep(ALNUM, 30, 255)),
    token('github_token', lit('github_pat_'), rep('[A-Za-z0-9_]', 22, 255)),
    token('gitlab_token', lit('glpat-'), rep(BASE64URL, 20, 100)),
    token('slack_token', seq(lit('xox'), cls('[bpars]'), lit('-')), rep('[A-Za-z0-9-]', 10, 250)),
    token('aws_access_key', words(['AKIA', 'ASIA']), seq(rep('[A-Z0-9]', 16, 16), boundary())),
    bearer,
    token(
      'jwt_bearer',
      lit('eyJ'),
      seq(
        rep(BASE64URL, 5, MAX_VALUE),
        lit('.eyJ'),
        rep(BASE64URL, 5, MAX_VALUE),
        lit('.'),
        rep(BASE64URL, 8, MAX_VALUE),
      ),
    ),
  ],
  [envSecretAssignment],
  [jsonSecretField],
];
