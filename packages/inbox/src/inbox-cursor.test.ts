import { isCrewshipError } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor.js';

function kindOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isCrewshipError(error) ? error.kind : 'not a CrewshipError';
  }
  return undefined;
}

describe('inbox cursor', () => {
  it('round-trips a seq and is opaque', () => {
    for (const seq of [1, 42, 9_007_199_254_740_991]) {
      const cursor = encodeInboxCursor(seq);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(String(seq));
      expect(decodeInboxCursor(cursor)).toBe(seq);
    }
  });

  it('rejects anything the encoder did not make', () => {
    const hostile = [
      '',
      'garbage',
      '12',
      Buffer.from('i10').toString('base64url'),
      Buffer.from('i1-5').toString('base64url'),
      Buffer.from('i101').toString('base64url'),
      Buffer.from('i11.5').toString('base64url'),
      Buffer.from('i1 7').toString('base64url'),
      Buffer.from('i19999999999999999').toString('base64url'),
      Buffer.from('j1n12').toString('base64url'),
      Buffer.from("i11' OR 1=1").toString('base64url'),
    ];
    for (const cursor of hostile)
      expect(
        kindOf(() => decodeInboxCursor(cursor)),
        cursor,
      ).toBe('invalid_input');
  });
});
