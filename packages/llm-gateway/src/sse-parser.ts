/** One dispatched server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
}

export interface SseParserOptions {
  /** An event still incomplete after this many bytes is dropped (bounds the memory held). */
  maxEventBytes?: number;
  /**
   * Only events whose data contains this text are dispatched. Chunks that cannot complete such an event
   * are skipped with a native search and a short scan for the last event boundary, which keeps the
   * passthrough of large streams cheap.
   */
  dataContains?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const NEWLINE = Buffer.from('\n');
const BLANK_LINE = Buffer.from('\n\n');
const EMPTY = Buffer.alloc(0);

const isLineEnd = (byte: number | undefined) => byte === LF || byte === CR;

/** Offset of the value when the line is `name:value`, `name: value` or just `name`; -1 otherwise. */
function fieldValueAt(buffer: Buffer, start: number, end: number, name: string): number {
  const length = name.length;
  if (end - start < length) return -1;
  for (let index = 0; index < length; index++) {
    if (buffer[start + index] !== name.charCodeAt(index)) return -1;
  }
  const after = start + length;
  if (after === end) return end;
  if (buffer[after] !== COLON) return -1;
  return after + 1 < end && buffer[after + 1] === SPACE ? after + 2 : after + 1;
}

/**
 * Incremental `text/event-stream` parser (WHATWG rules for `event:` and `data:` fields, CR, LF and CRLF
 * line ends): feed it raw chunks as they arrive, in any split, and it calls `onEvent` per complete event.
 * It keeps only the bytes of the event in progress (`carry`, which never holds a blank line) and decodes
 * only dispatched events; line ends are ASCII, so a multi-byte character is never cut.
 */
export class SseParser {
  readonly #onEvent: (event: SseEvent) => void;
  readonly #maxEventBytes: number;
  readonly #needle: Buffer | null;
  /** The bytes of the event in progress, from its first byte. */
  #carry: Buffer = EMPTY;
  #carryHasNeedle = false;
  /** Set after an oversized event was dropped: skip to the next blank line. */
  #discarding = false;
  /** While discarding, the last byte seen, so a blank line split across chunks is still found. */
  #lastByte: number | undefined;

  constructor(onEvent: (event: SseEvent) => void, options: SseParserOptions = {}) {
    this.#onEvent = onEvent;
    this.#maxEventBytes = options.maxEventBytes ?? 4 * 1024 * 1024;
    this.#needle = options.dataContains ? Buffer.from(options.dataContains) : null;
  }

  push(input: Buffer | string): void {
    const chunk = typeof input === 'string' ? Buffer.from(input) : input;
    if (chunk.length === 0) return;
    if (this.#discarding) {
      const start = this.#firstEventStart(chunk);
      this.#lastByte = chunk[chunk.length - 1];
      if (start === -1) return;
      this.#discarding = false;
      this.#push(chunk.subarray(start));
      return;
    }
    this.#push(chunk);
  }

  /** Dispatches a last event that lacked its closing blank line. */
  end(): void {
    if (this.#carry.length > 0 && !this.#discarding) this.#parse(Buffer.concat([this.#carry, BLANK_LINE]));
    this.#setCarry(EMPTY);
    this.#discarding = false;
  }

  #push(chunk: Buffer): void {
    if (this.#needle !== null && !this.#carryHasNeedle && !this.#mayContainNeedle(chunk)) {
      const start = this.#lastEventStart(chunk);
      if (start === -1) this.#setCarry(Buffer.concat([this.#carry, chunk]));
      else this.#setCarry(Buffer.from(chunk.subarray(start)));
      return;
    }
    const buffer = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#setCarry(Buffer.from(buffer.subarray(this.#parse(buffer))));
  }

  #setCarry(carry: Buffer): void {
    if (carry.length > this.#maxEventBytes) {
      this.#carry = EMPTY;
      this.#carryHasNeedle = false;
      this.#discarding = true;
      this.#lastByte = undefined;
      return;
    }
    this.#carry = carry;
    this.#carryHasNeedle = this.#needle !== null && carry.indexOf(this.#needle) !== -1;
  }

  /** Whether the needle is in `chunk` or straddles the end of the carry and the start of `chunk`. */
  #mayContainNeedle(chunk: Buffer): boolean {
    const needle = this.#needle!;
    if (chunk.indexOf(needle) !== -1) return true;
    if (this.#carry.length === 0 || needle.length < 2) return false;
    const seam = Buffer.concat([
      this.#carry.subarray(Math.max(0, this.#carry.length - needle.length + 1)),
      chunk.subarray(0, needle.length - 1),
    ]);
    return seam.indexOf(needle) !== -1;
  }

  /**
   * Where the event after the last blank line of `chunk` starts (a blank line may begin in the carry's
   * last byte); -1 when the chunk holds no blank line. Scans backwards, so it reads about one event.
   */
  #lastEventStart(chunk: Buffer): number {
    for (let index = chunk.length - 1; index >= 0; index--) {
      const byte = chunk[index];
      if (!isLineEnd(byte)) continue;
      const before = index > 0 ? chunk[index - 1] : this.#carry[this.#carry.length - 1];
      if (!isLineEnd(before) || (before === CR && byte === LF)) continue;
      // `before` ends a line and `byte` starts a blank line's line end (LF, CR or CRLF).
      return byte === CR && chunk[index + 1] === LF ? index + 2 : index + 1;
    }
    return -1;
  }

  /** Where the first event after a blank line starts in `chunk`, or -1. */
  #firstEventStart(chunk: Buffer): number {
    for (let index = 0; index < chunk.length; index++) {
      const before = index > 0 ? chunk[index - 1] : this.#lastByte;
      const byte = chunk[index];
      if (!isLineEnd(before) || !isLineEnd(byte) || (before === CR && byte === LF)) continue;
      return byte === CR && chunk[index + 1] === LF ? index + 2 : index + 1;
    }
    return -1;
  }

  /**
   * Dispatches every complete event in `buffer` (which starts at an event) and returns where the incomplete
   * rest starts; its lines are parsed again with the next chunk, so a CR at the very end is harmless.
   */
  #parse(buffer: Buffer): number {
    let eventStart = 0;
    let eventName: [number, number] | null = null;
    let data: Buffer[] = [];
    let matched = false;
    let start = 0;
    let lf = buffer.indexOf(LF);
    let cr = buffer.indexOf(CR);
    while (lf !== -1 || cr !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      let next = end + 1;
      if (end === cr && buffer[cr + 1] === LF) next = cr + 2;
      if (start === end) {
        if (data.length > 0 && (this.#needle === null || matched)) {
          const name = eventName ? buffer.toString('utf8', eventName[0], eventName[1]) : '';
          const joined =
            data.length === 1
              ? data[0]!
              : Buffer.concat(data.flatMap((line, i) => (i ? [NEWLINE, line] : [line])));
          this.#onEvent({ event: name || 'message', data: joined.toString('utf8') });
        }
        eventName = null;
        data = [];
        matched = false;
        eventStart = next;
      } else if (buffer[start] !== COLON) {
        const dataAt = fieldValueAt(buffer, start, end, 'data');
        if (dataAt !== -1) {
          const value = buffer.subarray(dataAt, end);
          if (this.#needle !== null && !matched && value.indexOf(this.#needle) !== -1) matched = true;
          data.push(value);
        } else {
          const eventAt = fieldValueAt(buffer, start, end, 'event');
          if (eventAt !== -1) eventName = [eventAt, end];
        }
      }
      start = next;
      if (lf !== -1 && lf < start) lf = buffer.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = buffer.indexOf(CR, start);
    }
    return eventStart;
  }
}
