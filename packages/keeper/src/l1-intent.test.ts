import { describe, expect, it } from 'vitest';
import { l1Intent } from './l1-intent.js';

describe('l1Intent', () => {
  it.each([
    ['publish the docs package', true],
    ['abcabcabca', true],
    ['aaaaaaaaaa', false],
    ['ababababababab', false],
    ['a b c d e f g h i', false],
    ['abc', false],
    ['          ', false],
    ['', false],
    ['a\u200Ba\u200Bb\u200Bb\u200Bc', false],
    ['  a  b  c  d  e  f  g  h  i  j  ', true],
  ])('%j -> %s', (intent, expected) => {
    expect(l1Intent(intent)).toBe(expected);
  });
});
