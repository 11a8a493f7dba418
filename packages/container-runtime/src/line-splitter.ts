import { StringDecoder } from 'node:string_decoder';

/** Longest line delivered whole; longer ones arrive in pieces of this size. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Splits a byte stream into UTF-8 lines, keeping multi-byte characters intact across chunks. */
export function createLineSplitter(onLine: (line: string) => void, maxLineBytes = MAX_LINE_BYTES) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emitLong = () => {
    while (Buffer.byteLength(pending) > maxLineBytes) {
      let cut = Math.min(pending.length, maxLineBytes);
      while (Buffer.byteLength(pending.slice(0, cut)) > maxLineBytes) cut = Math.floor(cut * 0.9);
      onLine(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
  };
  return {
    push(chunk: Uint8Array) {
      pending += decoder.write(Buffer.from(chunk));
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > maxLineBytes) emitLong();
    },
    /** Emits the unterminated tail, if any. */
    end() {
      pending += decoder.end();
      if (pending.length > 0) onLine(pending);
      pending = '';
    },
  };
}
