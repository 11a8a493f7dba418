import type { ScrubType } from '../scrub-types.js';

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`;
const BASE64URL = `${ALNUM}-_`;
const HEX = '0123456789abcdef';

/** A deterministic random string over `alphabet`, ending in a digit so shape rules that need one hold. */
export function sampleToken(seed: number, length: number, alphabet = ALNUM): string {
  const random = seededRandom(seed);
  let text = '';
  for (let index = 0; index < length - 1; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  return `${text}7`;
}

const marker = (type: ScrubType) => `[REDACTED:${type}]`;

const keyBody = (seed: number, lines: number) =>
  Array.from({ length: lines }, (_, line) => sampleToken(seed + line, 64, `${ALNUM}+/`)).join('\n');

const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.${sampleToken(9, 43, BASE64URL)}`;

/** Credential-shaped inputs per type, each with the exact scrubbed output. */
export const CREDENTIAL_SAMPLES: Record<Exclude<ScrubType, 'secret'>, readonly [string, string][]> = {
  openssh_private_key: [
    [
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${keyBody(1, 3)}\n-----END OPENSSH PRIVATE KEY-----`,
      marker('openssh_private_key'),
    ],
    [
      `{"key":"-----BEGIN OPENSSH PRIVATE KEY-----\\n${sampleToken(2, 70)}\\n-----END OPENSSH PRIVATE KEY-----\\n"}`,
      `{"key":"${marker('openssh_private_key')}\\n"}`,
    ],
  ],
  pem_private_key: [
    [
      `-----BEGIN RSA PRIVATE KEY-----\n${keyBody(3, 4)}\n-----END RSA PRIVATE KEY-----\nssh-add done`,
      `${marker('pem_private_key')}\nssh-add done`,
    ],
    [
      `-----BEGIN PRIVATE KEY-----\r\n${sampleToken(4, 64)}\r\n-----END PRIVATE KEY-----`,
      marker('pem_private_key'),
    ],
    [
      `-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,5E9A8F3D2C1B0A99\n\n${keyBody(5, 2)}\n-----END EC PRIVATE KEY-----`,
      marker('pem_private_key'),
    ],
    [
      `key:\n  -----BEGIN ENCRYPTED PRIVATE KEY-----\n  ${sampleToken(6, 64)}\n  -----END ENCRYPTED PRIVATE KEY-----\nnext: 1`,
      `key:\n  ${marker('pem_private_key')}\nnext: 1`,
    ],
    [
      `cat id_ed25519\n-----BEGIN ED25519 PRIVATE KEY-----\n${sampleToken(7, 64)}\n(output truncated)`,
      `cat id_ed25519\n${marker('pem_private_key')}(output truncated)`,
    ],
    [`-----BEGIN DSA PRIVATE KEY-----\n${sampleToken(8, 40)}`, marker('pem_private_key')],
  ],
  anthropic_key: [
    [
      `ANTHROPIC key sk-ant-api03-${sampleToken(10, 93, BASE64URL)}AA.`,
      `ANTHROPIC key ${marker('anthropic_key')}.`,
    ],
    [
      `"x-api-key: sk-ant-admin01-${sampleToken(11, 60, BASE64URL)}"`,
      `"x-api-key: ${marker('anthropic_key')}"`,
    ],
  ],
  openai_key: [
    [`sk-proj-${sampleToken(12, 156, BASE64URL)}`, marker('openai_key')],
    [`key=sk-svcacct-${sampleToken(13, 120, BASE64URL)} ok`, `key=${marker('openai_key')} ok`],
    [`(sk-${sampleToken(14, 48)})`, `(${marker('openai_key')})`],
  ],
  openrouter_key: [
    [`OpenRouter: sk-or-v1-${sampleToken(15, 64, HEX)}`, `OpenRouter: ${marker('openrouter_key')}`],
  ],
  google_api_key: [
    [`?key=AIza${sampleToken(16, 35, BASE64URL)}&alt=json`, `?key=${marker('google_api_key')}&alt=json`],
  ],
  cursor_key: [[`cursor login cur_${sampleToken(17, 40)}`, `cursor login ${marker('cursor_key')}`]],
  factory_token: [
    [`fact_${sampleToken(18, 40)}`, marker('factory_token')],
    [`token: factory_${sampleToken(19, 32)}`, `token: ${marker('factory_token')}`],
  ],
  xai_key: [[`xai-${sampleToken(20, 80)}`, marker('xai_key')]],
  groq_key: [[`GROQ gsk_${sampleToken(21, 52)}\n`, `GROQ ${marker('groq_key')}\n`]],
  github_token: [
    [
      `git clone https://ghp_${sampleToken(22, 36)}@github.com/a/b`,
      `git clone https://${marker('github_token')}@github.com/a/b`,
    ],
    [
      `gho_${sampleToken(23, 36)} ghs_${sampleToken(24, 36)}`,
      `${marker('github_token')} ${marker('github_token')}`,
    ],
    [
      `ghr_${sampleToken(25, 36)},ghu_${sampleToken(26, 36)}`,
      `${marker('github_token')},${marker('github_token')}`,
    ],
    [`github_pat_11ABCDEFG0_${sampleToken(27, 59, `${ALNUM}_`)}`, marker('github_token')],
  ],
  gitlab_token: [[`glpat-${sampleToken(28, 20, BASE64URL)}`, marker('gitlab_token')]],
  slack_token: [
    [`xoxb-2837465019-${sampleToken(29, 24)}`, marker('slack_token')],
    [
      `xoxp-1-${sampleToken(30, 30)} xoxa-2-${sampleToken(31, 20)}`,
      `${marker('slack_token')} ${marker('slack_token')}`,
    ],
    [
      `xoxr-${sampleToken(32, 40)} xoxs-${sampleToken(33, 40)}`,
      `${marker('slack_token')} ${marker('slack_token')}`,
    ],
  ],
  aws_access_key: [
    [
      `aws_access_key_id = AKIA${sampleToken(35, 16, UPPER)}`,
      `aws_access_key_id = ${marker('aws_access_key')}`,
    ],
    [`ASIA${sampleToken(36, 16, `${UPPER}234567`)}`, marker('aws_access_key')],
  ],
  jwt_bearer: [
    [`Authorization: Bearer ${jwt}`, `Authorization: Bearer ${marker('jwt_bearer')}`],
    [
      `curl -H 'authorization: bearer ${sampleToken(34, 40, `${ALNUM}._-`)}'`,
      `curl -H 'authorization: bearer ${marker('jwt_bearer')}'`,
    ],
    [`id_token=${jwt}&state=1`, `id_token=${marker('jwt_bearer')}&state=1`],
  ],
  json_secret_field: [
    [
      '{"password": "hunter2", "user": "ada"}',
      `{"password": "${marker('json_secret_field')}", "user": "ada"}`,
    ],
    ['{"client_secret":"abc\\"def","n":1}', `{"client_secret":"${marker('json_secret_field')}","n":1}`],
    ['{"Access_Token" : "x"}', `{"Access_Token" : "${marker('json_secret_field')}"}`],
    [
      '{"apiKey":"k-123","refresh_token":"r-456"}',
      `{"apiKey":"${marker('json_secret_field')}","refresh_token":"${marker('json_secret_field')}"}`,
    ],
    ['"env": {"GITHUB_TOKEN": "abc"}', `"env": {"GITHUB_TOKEN": "${marker('json_secret_field')}"}`],
    [
      '{"passwd":"p","secret_key":"s","APIKEY":"a","secret":"t"}',
      `{"passwd":"${marker('json_secret_field')}","secret_key":"${marker('json_secret_field')}","APIKEY":"${marker('json_secret_field')}","secret":"${marker('json_secret_field')}"}`,
    ],
    ['{"password": "$ecret pass"}', `{"password": "${marker('json_secret_field')}"}`],
    [
      '{"msg":"{\\"token\\":\\"t0k3n\\",\\"ok\\":true}"}',
      `{"msg":"{\\"token\\":\\"${marker('json_secret_field')}\\",\\"ok\\":true}"}`,
    ],
  ],
  env_secret_assignment: [
    ['export DB_PASSWORD=hunter2', `export DB_PASSWORD=${marker('env_secret_assignment')}`],
    ['GITHUB_TOKEN="x" make', `GITHUB_TOKEN="${marker('env_secret_assignment')}" make`],
    [
      "AWS_SECRET_ACCESS_KEY='wJalr/K7MDENG' aws s3 ls",
      `AWS_SECRET_ACCESS_KEY='${marker('env_secret_assignment')}' aws s3 ls`,
    ],
    [
      'OPENAI_API_KEY=abc;SLACK_TOKEN_2=def',
      `OPENAI_API_KEY=${marker('env_secret_assignment')};SLACK_TOKEN_2=${marker('env_secret_assignment')}`,
    ],
    ['{"cmd":"APIKEY=\\"k\\" run"}', `{"cmd":"APIKEY=\\"${marker('env_secret_assignment')}\\" run"}`],
    [`${'LONG_'.repeat(30)}TOKEN=abc`, `${'LONG_'.repeat(30)}TOKEN=${marker('env_secret_assignment')}`],
    [
      'SSH_PRIVATE_KEY=/dev/stdin NPM_TOKEN=n',
      `SSH_PRIVATE_KEY=${marker('env_secret_assignment')} NPM_TOKEN=${marker('env_secret_assignment')}`,
    ],
  ],
};

/** Ordinary text that must come out of the scrubber unchanged. */
export const ORDINARY_SAMPLES: readonly string[] = [
  '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60',
  'git checkout 9fceb02d0ae598e95dc970b74767f19372d61af8',
  `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg${sampleToken(40, 400, `${ALNUM}+/`)}==">`,
  'const token = getToken();',
  'password: string;',
  'if (apiKey) {',
  'const password = form.password.value; // TOKEN handling',
  'A risk-free, task-list based desk-top approach; ask-me-anything.',
  'see https://github.com/crewship/crewship/blob/main/src/token-store.ts#L10 and https://example.com/?page=2&sort=asc',
  '"integrity": "sha512-Xq5rG7T0b5l0mZ0kQ1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6Q7W8E9R0T1Y2U3I4O5P6A7S8D9F0G1H2J3K==",',
  'API_KEY=',
  'API_KEY= \nTOKEN=',
  'export GITHUB_TOKEN=$GITHUB_TOKEN',
  `SECRET="\${TOKEN}" PASSWORD=\${DB_PASSWORD} ACCESS_KEY=$(cat key.txt)`,
  'MAX_TOKENS=4096 TOKENIZER=bpe',
  '{"max_tokens": 4096, "input_tokens": 12, "token_type": "bearer", "tokens": "many", "password": ""}',
  '{"token": null, "secret": 42, "apiKey": true}',
  `{"env": {"GITHUB_TOKEN": "\${GITHUB_TOKEN}", "NPM_TOKEN": "$NPM_TOKEN"}}`,
  '{"monkey": "banana", "keyboard": "qwerty", "primaryKey": "id", "tokenizer": "bpe"}',
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUV\n-----END CERTIFICATE-----',
  'The API uses a Bearer token in the Authorization header.',
  `Authorization: Bearer \${TOKEN}`,
  'sk-learn, sk-test, ghp_xxx, AKIA-style keys, xoxb-123, AIzaSy, glpat-short',
  'cur_node_index_value_for_tree factory_default_settings_manager fact_sheet_generator_helper',
  'eyJhbGciOiJIUzI1NiJ9 is only a JWT header',
  'user@example.com 192.168.0.1 2024-05-01T12:00:00Z',
  'process.env.API_TOKEN ?? config.secretKey',
];
