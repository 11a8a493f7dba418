import { CrewshipError } from '@crewship/contracts';

export type JournalOrder = 'newest' | 'oldest';

export interface JournalCursor {
  order: JournalOrder;
  /** The seq of the last entry of the previous page; the next page starts past it. */
  seq: number;
}

const PATTERN = /^j1([no])([1-9][0-9]{0,15})$/;

/** Opaque to clients: base64url of `j1` + order letter + the last seq. */
export function encodeJournalCursor(cursor: JournalCursor): string {
  return Buffer.from(`j1${cursor.order === 'newest' ? 'n' : 'o'}${cursor.seq}`).toString('base64url');
}

export function decodeJournalCursor(text: string): JournalCursor {
  const match = PATTERN.exec(Buffer.from(text, 'base64url').toString('latin1'));
  const seq = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(seq)) {
    throw new CrewshipError('invalid_input', 'cursor is not valid: pass the next_cursor of a previous page');
  }
  return { order: match[1] === 'n' ? 'newest' : 'oldest', seq };
}
