import { describe, expect, it } from 'vitest';
import { createScrubber } from './create-scrubber.js';
import { CREDENTIAL_PATTERN_GROUPS } from './credential-patterns.js';
import { seq } from './pattern-builder.js';
import { CREDENTIAL_SAMPLES, ORDINARY_SAMPLES, seededRandom } from './testing/index.js';

const scrubber = createScrubber();

describe('credential shapes', () => {
  for (const [type, samples] of Object.entries(CREDENTIAL_SAMPLES)) {
    it.each(samples)(`redacts ${type}: %j`, (input, output) => {
      expect(scrubber.scrub(input)).toBe(output);
    });
  }

  it.each(ORDINARY_SAMPLES)('leaves ordinary text alone: %j', (text) => {
    expect(scrubber.scrub(text)).toBe(text);
  });

  it('gives sk-ant- and sk-or- their own type before the generic OpenAI shape', () => {
    const body = 'abcdefghijklmnopqrstuvwxyz0123456789';
    expect(scrubber.scrub(`sk-ant-${body} sk-or-${body} sk-${body}`)).toBe(
      '[REDACTED:anthropic_key] [REDACTED:openrouter_key] [REDACTED:openai_key]',
    );
  });

  it('keeps the Bearer word and a JSON key, and redacts only the value', () => {
    expect(scrubber.scrub('{"headers":{"Authorization":"Bearer abcdefghijklmnopqrstuvwxyz0123"}}')).toBe(
      '{"headers":{"Authorization":"Bearer [REDACTED:jwt_bearer]"}}',
    );
  });

  it('cuts a private-key block without an END marker after the body cap', () => {
    const body = 'A'.repeat(20_000);
    const output = scrubber.scrub(`-----BEGIN RSA PRIVATE KEY-----\n${body}`);
    expect(output).toBe(`[REDACTED:pem_private_key]${'A'.repeat(20_000 + 1 - 16_384)}`);
  });

  it('is idempotent: scrubbing scrubbed text changes nothing', () => {
    for (const [input] of Object.values(CREDENTIAL_SAMPLES).flat()) {
      const once = scrubber.scrub(input);
      expect(scrubber.scrub(once)).toBe(once);
    }
  });

  it('equals one alternation of every pattern scanned left to right (the grouped scan is an optimisation)', () => {
    const patterns = CREDENTIAL_PATTERN_GROUPS.flat();
    const alternation = new RegExp(
      patterns
        .map((pattern, index) => {
          const source = seq(pattern.trigger, pattern.rest)
            .main.replace(/\(\?<(?=[A-Za-z])(\w+)>/g, `(?<p${index}_$1>`)
            .replace(/\\k<(\w+)>/g, `\\k<p${index}_$1>`);
          return `(?<p${index}>${source})`;
        })
        .join('|'),
      'g',
    );
    const reference = (text: string) =>
      text.replace(alternation, (...args) => {
        const groups = args.at(-1) as Record<string, string | undefined>;
        const index = patterns.findIndex((_, candidate) => groups[`p${candidate}`] !== undefined);
        return patterns[index]!.redact(args[0] as string, (name) => groups[`p${index}_${name}`]);
      });
    const random = seededRandom(7);
    const pieces = [
      ...Object.values(CREDENTIAL_SAMPLES)
        .flat()
        .map(([input]) => input),
      ...ORDINARY_SAMPLES,
    ];
    for (let round = 0; round < 200; round++) {
      // Glue samples together so that shapes overlap and touch in every order.
      let text = '';
      for (let count = 0; count < 8; count++) {
        const piece = pieces[Math.floor(random() * pieces.length)]!;
        const cut = Math.floor(random() * piece.length);
        text += random() < 0.3 ? piece.slice(cut) : piece;
        text += [' ', '', '\n', '"', '=', ':'][Math.floor(random() * 6)];
      }
      expect(scrubber.scrub(text)).toBe(reference(text));
    }
  });
});
