import type { Scrubber } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { createScrubber } from './create-scrubber.js';
import { secretForms } from './literal-secrets.js';
import { CREDENTIAL_SAMPLES, ORDINARY_SAMPLES, sampleToken, seededRandom } from './testing/index.js';

const SECRETS = ['hunter2hunter2', 'pa~ss>wo?rd/+x y', sampleToken(99, 40)];
const scrubber = createScrubber({ secrets: SECRETS });

function streamed(target: Scrubber, chunks: readonly string[]): string {
  const stream = target.stream();
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
}

const credentialInputs = Object.values(CREDENTIAL_SAMPLES)
  .flat()
  .map(([input]) => input);
const literalInputs = SECRETS.flatMap(secretForms);

describe('streaming', () => {
  it.each([...credentialInputs, ...literalInputs])('catches %j split in two at every position', (secret) => {
    const text = `prefix ${secret}\nsuffix`;
    const whole = scrubber.scrub(text);
    expect(whole).not.toContain(secret);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(streamed(scrubber, [text.slice(0, cut), text.slice(cut)])).toBe(whole);
    }
  });

  it('keeps enough already-emitted text for the longest lookbehind (a name too long to be a variable)', () => {
    for (const text of [`x ${'A'.repeat(170)}_TOKEN=abc y`, `{"${'a'.repeat(70)}_token": "abc"}`]) {
      expect(scrubber.scrub(text)).toBe(text);
      for (let cut = 0; cut <= text.length; cut++) {
        expect(streamed(scrubber, [text.slice(0, cut), text.slice(cut)])).toBe(text);
      }
    }
  });

  it('equals scrub() of the whole text for random splits of a corpus with every family (property)', () => {
    const random = seededRandom(20240501);
    const invisible = ['\u200B', '\u00AD', '\uFEFF'];
    const pieces = [...credentialInputs, ...literalInputs, ...ORDINARY_SAMPLES];
    for (let round = 0; round < 500; round++) {
      let text = '';
      for (let count = 0; count < 12; count++) {
        let piece = pieces[Math.floor(random() * pieces.length)]!;
        if (random() < 0.2) {
          const at = Math.floor(random() * piece.length);
          piece = piece.slice(0, at) + invisible[Math.floor(random() * invisible.length)] + piece.slice(at);
        }
        text += piece + [' ', '\n', '', '"', '=', ': '][Math.floor(random() * 6)];
      }
      const whole = scrubber.scrub(text);
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = random() < 0.1 ? 0 : Math.floor(random() ** 3 * 300) + 1;
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      expect(streamed(scrubber, chunks)).toBe(whole);
    }
  });

  it('equals scrub() for random splits of a soup of near-miss fragments (property)', () => {
    const random = seededRandom(99);
    const fragments = [
      'sk-|ant-|or-|proj-|AIza|AKIA|cur_|fact_|factory_|xai-|gsk_|ghp_|github_pat_|glpat-|xoxb-|Bearer |eyJ|.',
      'abcDEF012|0123456789|QRSTUVWXYZ|_|-|+/=|token|Password|api_key|SECRET|TOKEN|DB_|[REDACTED:|$|{|=|:| ',
      '-----BEGIN |RSA |OPENSSH |PRIVATE KEY-----|-----END |hunter2hun|ter2|pa~ss>wo?rd|/+x y|\u200B',
      '"|\\|\\"|\\n|\n|\'|"token": "|"api_key":"|\\"secret\\":\\"|DB_PASSWORD=|DB_PASSWORD="',
    ].flatMap((line) => line.split('|'));
    for (let round = 0; round < 500; round++) {
      let text = '';
      const count = Math.floor(random() * 80);
      for (let index = 0; index < count; index++) text += fragments[Math.floor(random() * fragments.length)];
      const whole = scrubber.scrub(text);
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = Math.floor(random() * 12);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      expect(streamed(scrubber, chunks)).toBe(whole);
    }
  });

  it('emits ordinary lines at once and holds back only a tail that could still become a secret', () => {
    const stream = scrubber.stream();
    expect(stream.push('build ok\n')).toBe('build ok\n');
    expect(stream.push('{"input_tokens": 12}\n')).toBe('{"input_tokens": 12}\n');
    expect(stream.push('the key is sk-ant-api03-abc')).toBe('the key is ');
    expect(stream.push('defghijklmnopqrstuvwxyz0123')).toBe('');
    expect(stream.push('456789 and more\n')).toBe('[REDACTED:anthropic_key] and more\n');
    expect(stream.push('hunter2hun')).toBe('');
    expect(stream.push('ter2 done')).toBe('[REDACTED:secret] done');
    expect(stream.end()).toBe('');
  });

  it('holds a private-key block until its END marker, and cuts it at the body cap without one', () => {
    const stream = scrubber.stream();
    expect(stream.push('-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toBe('');
    expect(stream.push('pAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nnext')).toBe(
      '[REDACTED:pem_private_key]\nnext',
    );

    const endless = scrubber.stream();
    let output = endless.push('-----BEGIN OPENSSH PRIVATE KEY-----\n');
    for (let chunk = 0; chunk < 20; chunk++) output += endless.push('A'.repeat(1024));
    expect(output.startsWith('[REDACTED:openssh_private_key]')).toBe(true);
    output += endless.end();
    expect(output).toBe(scrubber.scrub(`-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(20 * 1024)}`));
  });

  it('holds a bounded tail: at most the reach of the longest undecided shape', () => {
    const text = `Bearer ${'a'.repeat(20_000)} sk-${'b'.repeat(1000)} done`;
    const stream = scrubber.stream();
    let pushed = 0;
    let output = '';
    for (let at = 0; at < text.length; at += 100) {
      const chunk = text.slice(at, at + 100);
      pushed += chunk.length;
      output += stream.push(chunk);
      // A digit may still turn `Bearer aaa…` into a token within 8192 characters; after that it is decided.
      expect(pushed - output.length).toBeLessThanOrEqual(8192 + 'Bearer '.length + 1);
    }
    expect(output + stream.end()).toBe(text);
  });

  it('works without literal secrets too', () => {
    const plain = createScrubber();
    const text = credentialInputs.join('\n');
    const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
    expect(streamed(plain, chunks)).toBe(plain.scrub(text));
  });
});
