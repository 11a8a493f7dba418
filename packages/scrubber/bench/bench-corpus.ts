import { secretForms } from '../src/literal-secrets.js';
import { CREDENTIAL_SAMPLES, ORDINARY_SAMPLES, sampleToken, seededRandom } from '../src/testing/index.js';

const WORDS = (
  'the agent reads a file then writes tests for every task and checks the risk-free task-list output before ' +
  'it commits changes to the repository while the user waits for results of the build step on the crew ' +
  'container which runs node and python with a small budget of tokens per run'
).split(' ');

const CODE = [
  'export async function runTask(task: Task, options: RunOptions = {}): Promise<RunResult> {',
  '  const token = await getToken(options.scope);',
  '  if (apiKey) {',
  '  for (let index = 0; index < items.length; index++) total += items[index].size;',
  "import { createHash } from 'node:crypto';",
  '  password: string;',
  `    return { ok: false, reason: \`budget exceeded by \${over} tokens\` };`,
  'def handler(event, context):',
  '    secret_name = os.environ.get("SECRET_NAME", "default")',
  '}',
  '  // TODO: move the retry loop into the client',
  '-rw-r--r--  1 agent agent  4096 May  1 12:00 package.json',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
  '"integrity": "sha512-Xq5rG7T0b5l0mZ0kQ1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6Q7W8E9R0T1Y2==",',
  'request 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 took 120ms (GET https://api.example.com/v1/items?page=2)',
];

/** The 20 literal secrets of the run: API-key-like values of various lengths and alphabets. */
export function benchSecrets(): string[] {
  return Array.from({ length: 20 }, (_, index) =>
    sampleToken(
      1000 + index,
      16 + index * 3,
      index % 2 === 0 ? undefined : 'abcdefghijkmnpqrstuvwxyz23456789!#%+/',
    ),
  );
}

/**
 * About `size` characters of agent output: prose, code and shell output, and JSON event lines (half of
 * it), with a credential shape every ~400 lines and a literal secret (in one of its encodings) every ~800.
 */
export function benchCorpus(size: number, secrets: readonly string[]): { text: string; planted: number } {
  const random = seededRandom(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const credentials = Object.values(CREDENTIAL_SAMPLES)
    .flat()
    .map(([input]) => input);
  const forms = secrets.flatMap(secretForms);
  const sentence = () => Array.from({ length: 6 + Math.floor(random() * 14) }, () => pick(WORDS)).join(' ');
  const lines: string[] = [];
  let length = 0;
  let planted = 0;
  while (length < size) {
    const roll = random();
    let line: string;
    if (roll < 0.0025) {
      line = `found ${pick(credentials)} in the output`;
      planted++;
    } else if (roll < 0.00375) {
      line = `echo ${pick(forms)} | tee out.txt`;
      planted++;
    } else if (roll < 0.01) {
      line = pick(ORDINARY_SAMPLES);
    } else if (roll < 0.25) {
      line = sentence();
    } else if (roll < 0.5) {
      line = pick(CODE);
    } else if (roll < 0.8) {
      line = JSON.stringify({
        type: 'assistant',
        message: {
          id: `msg_${Math.floor(random() * 1e12).toString(36)}`,
          role: 'assistant',
          content: [{ type: 'text', text: sentence() }],
          usage: { input_tokens: Math.floor(random() * 9999), output_tokens: Math.floor(random() * 999) },
        },
      });
    } else {
      line = JSON.stringify({
        type: 'tool_use',
        ts: 1700000000000 + Math.floor(random() * 1e9),
        name: 'Bash',
        input: { command: `npm test -- --grep "${pick(WORDS)}"`, timeout: 120000 },
        session_id: '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60',
      });
    }
    lines.push(line);
    length += line.length + 1;
  }
  return { text: `${lines.join('\n')}\n`, planted };
}
