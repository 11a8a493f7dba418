import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './fts-query';

describe('toFtsQuery', () => {
  it('leaves plain words and operators alone', () => {
    expect(toFtsQuery('  deploy OR build  ')).toBe('deploy OR build');
  });

  it('quotes words with punctuation FTS5 would read as syntax', () => {
    expect(toFtsQuery('please approve-me')).toBe('please "approve-me"');
    expect(toFtsQuery('README.md user:42')).toBe('"README.md" "user:42"');
  });

  it('keeps a trailing star as a prefix search', () => {
    expect(toFtsQuery('deploy*')).toBe('deploy*');
    expect(toFtsQuery('approve-m*')).toBe('"approve-m"*');
  });

  it('passes explicit FTS5 syntax through', () => {
    expect(toFtsQuery('"exit code" AND (npm OR pnpm)')).toBe('"exit code" AND (npm OR pnpm)');
  });

  it('treats unbalanced quotes and parentheses as plain text', () => {
    expect(toFtsQuery('"unterminated phrase')).toBe('unterminated phrase');
    expect(toFtsQuery('fix (build')).toBe('fix build');
  });
});
