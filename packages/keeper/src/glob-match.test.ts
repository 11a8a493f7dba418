import { describe, expect, it } from 'vitest';
import { globMatch } from './glob-match.js';

describe('globMatch', () => {
  it.each([
    ['npm-*', 'npm-publish', true],
    ['npm-*', 'NPM-Publish', true],
    ['npm-*', 'xnpm-publish', false],
    ['*drop*', 'please DROP table', true],
    ['*drop*', 'multi\nline drop', true],
    ['gh api ?ser', 'gh api user', true],
    ['gh api ?ser', 'gh api uuser', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['', '', true],
    ['*', '', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%j against %j is %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('stays fast on patterns that make backtracking regular expressions explode', () => {
    const pattern = `${'*a'.repeat(40)}b`;
    expect(globMatch(pattern, 'a'.repeat(4096))).toBe(false);
  });
});
