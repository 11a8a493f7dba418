import { describe, expect, it } from 'vitest';
import { matchSnippet, searchTerms } from './match-snippet';

describe('searchTerms', () => {
  it('drops FTS5 syntax and keeps phrases whole', () => {
    expect(searchTerms('"build is green" AND deploy* (npm OR pnpm)')).toEqual([
      'build is green',
      'deploy',
      'npm',
      'pnpm',
    ]);
  });
});

describe('matchSnippet', () => {
  it('shows the payload text around the first hit', () => {
    const payload = { prompt: 'what about the Zebra-Stripes test', nested: { other: 'x' } };
    expect(matchSnippet('Run started: ada', payload, 'zebra-stripes')).toEqual([
      'what about the ',
      'Zebra-Stripes',
      ' test',
    ]);
  });

  it('clips long text on both sides', () => {
    const text = `${'a'.repeat(100)} needle ${'b'.repeat(100)}`;
    const [before, match, after] = matchSnippet('s', { text }, 'needle') ?? ['', '', ''];
    expect(match).toBe('needle');
    expect(before.startsWith('…')).toBe(true);
    expect(after.endsWith('…')).toBe(true);
  });

  it('is null when the summary already shows a term or nothing matches as typed', () => {
    expect(matchSnippet('the build is green', { a: 'build' }, 'build')).toBeNull();
    expect(matchSnippet('summary', { a: 'nothing here' }, 'absent')).toBeNull();
  });
});
