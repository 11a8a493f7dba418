/** Redacts credential-shaped text and known secret values, replacing each hit with `[REDACTED:<type>]`. */
export interface Scrubber {
  scrub(text: string): string;
  /** For output that arrives in pieces: a secret split across chunks is still caught. */
  stream(): ScrubStream;
}

export interface ScrubStream {
  /** Returns the text that is safe to emit now; a tail that could begin a secret is held back. */
  push(chunk: string): string;
  /** Returns whatever is still held back, scrubbed. */
  end(): string;
}

export interface ScrubberOptions {
  /** Literal secret values (e.g. the run's credentials), also caught in base64, base64url, hex and URL-encoded form. */
  secrets?: readonly string[];
}
