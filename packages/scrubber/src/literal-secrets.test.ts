import { CrewshipError } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { createScrubber } from './create-scrubber.js';
import { secretForms } from './literal-secrets.js';
import { seededRandom } from './testing/index.js';

const SECRET = 'pa~ss>wo?rd/+x y';

describe('literal secrets', () => {
  const scrubber = createScrubber({ secrets: [SECRET] });
  const bytes = Buffer.from(SECRET, 'utf8');

  it.each([
    ['as is', SECRET],
    ['base64', bytes.toString('base64')],
    ['base64 without padding', bytes.toString('base64').replace(/=+$/, '')],
    ['base64url', bytes.toString('base64url')],
    ['lower-case hex', bytes.toString('hex')],
    ['upper-case hex', bytes.toString('hex').toUpperCase()],
    ['URL-encoded', encodeURIComponent(SECRET)],
  ])('redacts the value %s', (_, form) => {
    expect(scrubber.scrub(`before ${form} after`)).toBe('before [REDACTED:secret] after');
  });

  it('checks its own forms: seven distinct encodings of this value', () => {
    expect(new Set(secretForms(SECRET)).size).toBe(7);
  });

  it('ignores values shorter than 8 characters', () => {
    expect(createScrubber({ secrets: ['short', 'hunter2'] }).scrub('short hunter2')).toBe('short hunter2');
  });

  it('redacts non-ASCII values and their UTF-8 encodings', () => {
    const value = 'pässwörd-geheim-ü';
    const scrub = createScrubber({ secrets: [value] }).scrub;
    expect(scrub(`${value} ${Buffer.from(value).toString('hex')} ${encodeURIComponent(value)}`)).toBe(
      '[REDACTED:secret] [REDACTED:secret] [REDACTED:secret]',
    );
  });

  it('prefers the longest of overlapping secrets and redacts adjacent occurrences', () => {
    const scrub = createScrubber({ secrets: ['abcdefgh', 'abcdefghijkl'] }).scrub;
    expect(scrub('abcdefghijklabcdefgh-abcdefgh')).toBe(
      '[REDACTED:secret][REDACTED:secret]-[REDACTED:secret]',
    );
  });

  it('runs before the shapes, so a secret inside an assignment keeps its marker', () => {
    expect(scrubber.scrub(`DB_PASSWORD="${SECRET}"`)).toBe('DB_PASSWORD="[REDACTED:secret]"');
  });

  it('equals an alternation of every form, longest first, on random text', () => {
    const random = seededRandom(11);
    const secrets = Array.from({ length: 20 }, (_, index) =>
      Array.from({ length: 8 + index * 3 }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join(
        '',
      ),
    );
    const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
    const alternation = new RegExp(
      forms.map((form) => form.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'),
      'g',
    );
    const scrub = createScrubber({ secrets }).scrub;
    for (let round = 0; round < 200; round++) {
      let text = '';
      while (text.length < 2000) {
        const form = forms[Math.floor(random() * forms.length)]!;
        text += random() < 0.5 ? form : form.slice(0, Math.floor(random() * form.length));
        text += ' x'.repeat(Math.floor(random() * 3));
      }
      // The shapes run afterwards; this text has none, so the literal pass alone decides the output.
      const expected = text.replace(alternation, '[REDACTED:secret]');
      expect(createScrubber().scrub(expected)).toBe(expected);
      expect(scrub(text)).toBe(expected);
    }
  });

  it('rejects secrets that are not strings', () => {
    expect(() => createScrubber({ secrets: [42] as unknown as string[] })).toThrow(CrewshipError);
    try {
      createScrubber({ secrets: 'x' as unknown as string[] });
    } catch (error) {
      expect((error as CrewshipError).kind).toBe('invalid_input');
    }
  });
});
