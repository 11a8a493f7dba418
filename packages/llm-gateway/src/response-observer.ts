import type { IncomingHttpHeaders } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { LlmProvider, LlmUsage } from '@crewship/contracts';
import { UsageTracker } from './usage-tracker.js';

/** How much of a request or response body `llm.call` journals when bodies are journaled. */
export const JOURNALED_BODY_CHARS = 64 * 1024;

function decoderFor(encoding: string): NodeJS.ReadWriteStream | null | 'unsupported' {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return 'unsupported';
  }
}

/**
 * Feeds the usage tracker (and an optional second reader) with the response body, decompressing on the side
 * when upstream compressed it; the bytes forwarded to the client are never touched.
 */
export class ResponseObserver {
  readonly #tracker: UsageTracker;
  readonly #decoder: (NodeJS.ReadWriteStream & { flush?(callback: () => void): void }) | null;
  readonly #decoded: Promise<void>;
  readonly #capture: boolean;
  readonly #reader: ((chunk: Buffer) => void) | undefined;
  #captured = '';
  #failed: boolean;

  constructor(
    provider: LlmProvider,
    response: { headers: IncomingHttpHeaders },
    capture: boolean,
    reader?: (chunk: Buffer) => void,
  ) {
    this.#tracker = new UsageTracker(provider, { contentType: response.headers['content-type'] });
    this.#capture = capture;
    this.#reader = reader;
    const decoder = decoderFor(
      String(response.headers['content-encoding'] ?? '')
        .trim()
        .toLowerCase(),
    );
    // An encoding we cannot undo is read as it is (usage is then simply not found).
    this.#failed = decoder === 'unsupported';
    this.#decoder = decoder === 'unsupported' ? null : decoder;
    const active = this.#decoder;
    this.#decoded = active
      ? new Promise((resolve) => {
          active.on('data', (chunk: Buffer) => this.#observe(chunk));
          active.once('end', () => resolve());
          active.once('error', () => {
            this.#failed = true;
            resolve();
          });
          active.once('close', () => resolve());
        })
      : Promise.resolve();
  }

  get streamed(): boolean {
    return this.#tracker.streamed;
  }

  /** True when pushed bytes reach the readers as they are (no decompression in between). */
  get identity(): boolean {
    return this.#decoder === null;
  }

  /** True when the body could not be decoded (unknown encoding or corrupt compressed data). */
  get failed(): boolean {
    return this.#failed;
  }

  push(chunk: Buffer): void {
    if (this.#decoder) this.#decoder.write(chunk);
    else this.#observe(chunk);
  }

  /** Resolves once everything pushed so far has been decoded and read. */
  settle(): Promise<void> {
    const decoder = this.#decoder;
    if (!decoder || this.#failed || typeof decoder.flush !== 'function') return Promise.resolve();
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        decoder.off('error', finish);
        resolve();
      };
      decoder.once('error', finish);
      decoder.flush!(finish);
    });
  }

  async finish(): Promise<{ usage: LlmUsage; body: string }> {
    if (this.#decoder) {
      this.#decoder.end();
      await this.#decoded;
    }
    return { usage: this.#tracker.end(), body: this.#captured };
  }

  #observe(chunk: Buffer): void {
    this.#tracker.push(chunk);
    this.#reader?.(chunk);
    if (this.#capture && this.#captured.length < JOURNALED_BODY_CHARS) {
      this.#captured += chunk.toString('utf8').slice(0, JOURNALED_BODY_CHARS - this.#captured.length);
    }
  }
}
