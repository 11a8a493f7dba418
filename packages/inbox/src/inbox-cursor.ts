import { CrewshipError } from '@crewship/contracts';

const PATTERN = /^i1([1-9][0-9]{0,15})$/;

/** Opaque to clients: base64url of `i1` + the seq of the last item of the previous page. */
export function encodeInboxCursor(seq: number): string {
  return Buffer.from(`i1${seq}`).toString('base64url');
}

/** The seq the next page starts below; throws `invalid_input` for anything not made by the encoder. */
export function decodeInboxCursor(text: string): number {
  const match = PATTERN.exec(Buffer.from(text, 'base64url').toString('latin1'));
  const seq = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(seq)) {
    throw new CrewshipError('invalid_input', 'cursor is not valid: pass the next_cursor of a previous page');
  }
  return seq;
}
