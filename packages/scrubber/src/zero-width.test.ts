import { describe, expect, it } from 'vitest';
import { createScrubber } from './create-scrubber.js';

const ZERO_WIDTH = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD'];
const KEY = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF';

describe('zero-width evasion', () => {
  const scrubber = createScrubber({ secrets: ['hunter2hunter2'] });

  it.each(ZERO_WIDTH.map((character) => [character.codePointAt(0)!.toString(16), character]))(
    'removes U+%s before matching',
    (_, character) => {
      expect(scrubber.scrub(`key ${KEY.slice(0, 7)}${character}${KEY.slice(7)} end`)).toBe(
        'key [REDACTED:anthropic_key] end',
      );
      expect(scrubber.scrub(`pw hunter2${character}hunter2`)).toBe('pw [REDACTED:secret]');
    },
  );

  it('catches a key with an invisible character between every two characters', () => {
    expect(scrubber.scrub([...KEY].join('\u200B\u00AD'))).toBe('[REDACTED:anthropic_key]');
  });

  it('removes zero-width characters everywhere, also from text without secrets', () => {
    expect(scrubber.scrub('zero\u200Bwidth\uFEFF')).toBe('zerowidth');
  });
});
