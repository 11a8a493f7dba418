import type { LlmProvider, ModelToolCall } from '@crewship/contracts';
import { createToolCallCollector, type ToolCallCollector } from './tool-calls.js';

const LF = 0x0a;
const CR = 0x0d;

export interface ToolCallScannerOptions {
  /** The response's content type: `text/event-stream` is read event by event, anything else as one JSON body. */
  contentType: string | undefined;
  /** More decoded bytes than this in one event or JSON body: `overflowed`, nothing more is read. */
  maxBytes: number;
}

/**
 * Finds the tool calls in a decoded response body as it streams past, and where the first one starts:
 * bytes before `safeEnd` belong to complete events that start no tool call. Offsets count decoded bytes
 * from the start of the body. A JSON body is only read at `end()` (`safeEnd` stays 0).
 */
export class ToolCallScanner {
  readonly #collector: ToolCallCollector;
  readonly #needles: Buffer[];
  readonly #sse: boolean;
  readonly #maxBytes: number;
  /** SSE: the bytes of the event in progress; JSON: the whole body so far. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Offset of the first pending byte. */
  #pendingStart = 0;
  /** SSE: how many pending bytes are already split into complete lines. */
  #scanned = 0;
  #safeEnd = 0;
  #toolStart: number | null = null;
  #overflowed = false;

  constructor(provider: LlmProvider, options: ToolCallScannerOptions) {
    this.#collector = createToolCallCollector(provider);
    this.#needles = this.#collector.needles.map((needle) => Buffer.from(needle));
    this.#sse = (options.contentType ?? '').toLowerCase().includes('text/event-stream');
    this.#maxBytes = options.maxBytes;
  }

  get streamed(): boolean {
    return this.#sse;
  }

  /** Decoded bytes before this offset may go to the client: complete events, none starting a tool call. */
  get safeEnd(): number {
    return this.#safeEnd;
  }

  /** Offset of the first event that starts a tool call, or null. */
  get toolStart(): number | null {
    return this.#toolStart;
  }

  /** No event is in progress: every byte seen so far belongs to a complete event. */
  get atBoundary(): boolean {
    return this.#sse && this.#pendingBytes === 0;
  }

  /** An event or body was larger than `maxBytes`; it was not read. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#overflowed) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes > this.#maxBytes) {
      this.#overflowed = true;
      this.#pending = [];
      return;
    }
    if (this.#sse) this.#scan();
  }

  /** Call once at the end of the body: every tool call found, in order. */
  end(): ModelToolCall[] {
    if (!this.#overflowed && this.#pendingBytes > 0) {
      const rest = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#pending = [];
      if (this.#sse) {
        this.#dispatch(rest, this.#pendingStart);
      } else {
        let value: unknown;
        try {
          value = JSON.parse(rest.toString('utf8'));
        } catch {
          value = undefined;
        }
        this.#collector.body(value);
      }
    }
    return this.#collector.calls();
  }

  /** Dispatches every complete event in the pending bytes. */
  #scan(): void {
    const buffer = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    let eventStart = 0;
    let lineStart = this.#scanned;
    let index = lineStart;
    while (index < buffer.length) {
      const byte = buffer[index]!;
      if (byte !== LF && byte !== CR) {
        index++;
        continue;
      }
      // A CR at the very end may be the first half of a CRLF: wait for the next byte.
      if (byte === CR && index + 1 === buffer.length) break;
      const next = byte === CR && buffer[index + 1] === LF ? index + 2 : index + 1;
      if (index === lineStart && index > eventStart) {
        this.#dispatch(buffer.subarray(eventStart, index), this.#pendingStart + eventStart);
        eventStart = next;
      } else if (index === lineStart) {
        // A blank line with no event before it.
        eventStart = next;
      }
      lineStart = next;
      index = next;
      if (this.#toolStart === null) this.#safeEnd = this.#pendingStart + eventStart;
    }
    const rest = buffer.subarray(eventStart);
    this.#pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.#pendingBytes = rest.length;
    this.#pendingStart += eventStart;
    this.#scanned = lineStart - eventStart;
  }

  #dispatch(event: Buffer, offset: number): void {
    if (!this.#needles.some((needle) => event.includes(needle))) return;
    const data: string[] = [];
    for (const line of event.toString('utf8').split(/\r\n|\r|\n/)) {
      if (line === 'data' || line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    if (this.#collector.event(value) && this.#toolStart === null) {
      this.#toolStart = offset;
      this.#safeEnd = offset;
    }
  }
}
