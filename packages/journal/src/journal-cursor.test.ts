import { describe, expect, it } from 'vitest';
import { decodeJournalCursor, encodeJournalCursor } from './journal-cursor.js';

describe('journal cursor', () => {
  it('round-trips the order and the seq through an opaque url-safe string', () => {
    for (const cursor of [
      { order: 'newest' as const, seq: 1 },
      { order: 'oldest' as const, seq: 9_007_199_254_740_991 },
    ]) {
      const text = encodeJournalCursor(cursor);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(text).not.toContain(String(cursor.seq));
      expect(decodeJournalCursor(text)).toEqual(cursor);
    }
  });

  it('refuses anything it did not make', () => {
    const made = (raw: string) => Buffer.from(raw).toString('base64url');
    for (const text of [
      '',
      'garbage',
      made('j1n0'),
      made('j1x5'),
      made('j1n-5'),
      made('j1n99999999999999999'),
      made('j1n5 '),
    ]) {
      expect(() => decodeJournalCursor(text)).toThrow(expect.objectContaining({ kind: 'invalid_input' }));
    }
  });
});
