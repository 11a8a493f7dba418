import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob.js';

const cases: Array<[pattern: string, text: string, expected: boolean]> = [
  ['Bash', 'Bash', true],
  ['Bash', 'bash', true],
  ['BASH', 'bash', true],
  ['Bash', 'Bash2', false],
  ['Bash', 'MyBash', false],
  ['*', '', true],
  ['*', 'anything at all', true],
  ['', '', true],
  ['', 'x', false],
  ['?', '', false],
  ['?', 'a', true],
  ['?', 'ab', false],
  ['b?sh', 'bash', true],
  ['b?sh', 'bsh', false],
  ['*shell*', 'run_shell_command', true],
  ['*shell*', 'shell', true],
  ['*shell*', 'shel', false],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'a-b-c', true],
  ['a*b*c', 'acb', false],
  ['a*b*c', 'abcb', false],
  ['a*b*c', 'abcbc', true],
  ['a*a', 'a', false],
  ['a*a', 'aa', true],
  ['*ab*ab*', 'abab', true],
  ['*ab*ab*', 'aba', false],
  ['**', 'x', true],
  ['*.prod.*', 'api.prod.example.com', true],
  ['*.prod.*', 'prod.example.com', false],
  ['*.prod.*', 'apiXprodXexample', false],
  ['file.txt', 'fileXtxt', false],
  ['a+b', 'a+b', true],
  ['a+b', 'aab', false],
  ['(x|y)', '(x|y)', true],
  ['(x|y)', 'x', false],
  ['[abc]', 'a', false],
  ['[abc]', '[abc]', true],
  ['^$', '^$', true],
  ['a\\d', 'a\\d', true],
  ['a\\d', 'a1', false],
  ['{1,2}', '{1,2}', true],
  ['*\n*', 'line\nbreak', true],
  ['?', '\n', true],
  ['*DROP TABLE*', 'please drop table users', true],
  ['*ß*', 'STRASSE', false],
];

describe('compileGlob', () => {
  it.each(cases)('%j vs %j → %s', (pattern, text, expected) => {
    expect(compileGlob(pattern)(text)).toBe(expected);
  });

  it('agrees with a reference matcher on random patterns', () => {
    const reference = (pattern: string, text: string): boolean => {
      // Straightforward dynamic programming, quadratic but obviously right.
      const p = pattern.toLowerCase();
      const t = text.toLowerCase();
      let row = new Array<boolean>(t.length + 1).fill(false);
      row[0] = true;
      for (const char of p) {
        const next = new Array<boolean>(t.length + 1).fill(false);
        if (char === '*') {
          next[0] = row[0]!;
          for (let j = 1; j <= t.length; j += 1) next[j] = row[j]! || next[j - 1]!;
        } else {
          for (let j = 1; j <= t.length; j += 1) next[j] = row[j - 1]! && (char === '?' || char === t[j - 1]);
        }
        row = next;
      }
      return row[t.length]!;
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const pick = (alphabet: string, length: number) =>
      Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
    for (let round = 0; round < 3000; round += 1) {
      const pattern = pick('ab*?A.', random(7));
      const text = pick('abAB.', random(9));
      expect(compileGlob(pattern)(text), `${pattern} vs ${text}`).toBe(reference(pattern, text));
    }
  });

  it('stays linear on inputs that make backtracking matchers explode', () => {
    const text = `${'a'.repeat(200_000)}b`;
    const pattern = `${'*a'.repeat(60)}*c`;
    expect(compileGlob(pattern)(text)).toBe(false);
    expect(compileGlob('*a*a*a*a*a*a*a*a*a*a*b')(text)).toBe(true);
  });
});
