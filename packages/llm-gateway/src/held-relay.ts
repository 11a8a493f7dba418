import type { ServerResponse } from 'node:http';
import type { Logger, ModelToolCall } from '@crewship/contracts';
import type { ResponseObserver } from './response-observer.js';
import type { ToolCallScanner } from './tool-call-scanner.js';
import type { UpstreamResponse } from './upstream-client.js';

export type ToolVerdict = { allowed: true } | { allowed: false; reason: string };

export interface HeldRelayOptions {
  upstream: UpstreamResponse;
  /** Headers already sent. */
  response: ServerResponse;
  /** Sees every upstream byte (usage) and passes the decoded body to `scanner`. */
  observer: ResponseObserver;
  scanner: ToolCallScanner;
  /** More unsent bytes than this: the response is cut (fail closed). */
  maxHeldBytes: number;
  logger: Logger;
  /** Called once when the upstream body ended or broke off (metering and the admission release go here). */
  onUpstreamDone(error: Error | undefined): Promise<void>;
  /** Decides on the tool calls of a finished response. */
  check(toolCalls: readonly ModelToolCall[]): Promise<ToolVerdict>;
  /** A response with tool calls was dropped. */
  onDenied(toolCalls: readonly ModelToolCall[], reason: string): void;
}

/**
 * Relays an upstream body to the client like a pipe until the first event that starts a tool call (a JSON
 * body: from its first byte), then holds the rest. When upstream has ended the tool calls go to `check`:
 * allowed → the held bytes follow unchanged; denied → they are dropped and the client connection is cut.
 * With a compressed body the decision is per upstream chunk: a chunk goes out once its decoded bytes end
 * on an event boundary before any tool call.
 */
export function relayHeld(options: HeldRelayOptions): void {
  const { upstream, response, observer, scanner, logger } = options;
  const unsent: Buffer[] = [];
  let unsentBytes = 0;
  /** Upstream offset of the first unsent byte. */
  let unsentStart = 0;
  let holding = false;
  let failure: string | null = null;
  let upstreamFinished = false;
  let clientGone = false;
  const pauses = new Set<'drain' | 'decode'>();
  let chain: Promise<void> = Promise.resolve();

  const pause = (reason: 'drain' | 'decode') => {
    pauses.add(reason);
    upstream.pause();
  };
  const unpause = (reason: 'drain' | 'decode') => {
    pauses.delete(reason);
    if (pauses.size === 0 && !upstreamFinished) upstream.resume();
  };
  response.on('drain', () => unpause('drain'));

  const write = (bytes: Buffer) => {
    if (!response.write(bytes)) pause('drain');
  };

  /** Sends unsent bytes up to upstream offset `end`. */
  const forward = (end: number) => {
    let remaining = end - unsentStart;
    while (remaining > 0 && unsent.length > 0) {
      const first = unsent[0]!;
      const piece = first.length <= remaining ? first : first.subarray(0, remaining);
      if (piece === first) unsent.shift();
      else unsent[0] = first.subarray(remaining);
      remaining -= piece.length;
      unsentStart += piece.length;
      unsentBytes -= piece.length;
      write(piece);
    }
  };
  const forwardAll = () => forward(unsentStart + unsentBytes);
  const drop = () => {
    unsent.length = 0;
    unsentBytes = 0;
  };

  const decide = () => {
    if (holding || clientGone) return;
    if (observer.failed || scanner.overflowed) {
      holding = true;
      failure = observer.failed ? 'the response could not be decoded' : 'a response event was too large';
      return;
    }
    const start = scanner.toolStart;
    if (observer.identity) {
      forward(start ?? scanner.safeEnd);
      if (start !== null) holding = true;
    } else if (start !== null) {
      holding = true;
    } else if (scanner.atBoundary) {
      forwardAll();
    }
  };

  const cut = (reason: string) => {
    drop();
    response.destroy();
    upstream.destroy();
    logger.warn('held response cut', { reason });
  };

  let done = false;
  const upstreamDone = (error: Error | undefined): Promise<void> => {
    if (done) return Promise.resolve();
    done = true;
    return options.onUpstreamDone(error).catch((failed: unknown) => {
      logger.error('recording the call failed', { error: String(failed) });
    });
  };

  const conclude = async () => {
    await upstreamDone(undefined);
    const toolCalls = scanner.end();
    if (clientGone) return;
    if (failure === null && scanner.overflowed) failure = 'a response event was too large';
    if (failure !== null) {
      drop();
      response.destroy();
      options.onDenied(toolCalls, failure);
      return;
    }
    if (toolCalls.length === 0) {
      forwardAll();
      response.end();
      return;
    }
    let verdict: ToolVerdict;
    try {
      verdict = await options.check(toolCalls);
    } catch (error) {
      logger.error('tool gate failed', { error: String(error) });
      verdict = { allowed: false, reason: 'the tool gate failed' };
    }
    // The client may have gone while the gate was deciding: its answer no longer matters.
    if (clientGone || response.destroyed) return;
    if (verdict.allowed) {
      forwardAll();
      response.end();
      return;
    }
    drop();
    response.destroy();
    options.onDenied(toolCalls, verdict.reason);
  };

  response.once('close', () => {
    if (response.writableFinished) return;
    clientGone = true;
    drop();
    upstream.destroy();
  });

  upstream.on('data', (chunk: Buffer) => {
    if (clientGone) return;
    unsent.push(chunk);
    unsentBytes += chunk.length;
    if (unsentBytes > options.maxHeldBytes) {
      const reason = `the response held for the tool gate exceeded ${options.maxHeldBytes} bytes`;
      cut(reason);
      options.onDenied([], reason);
      return;
    }
    try {
      observer.push(chunk);
    } catch (error) {
      cut(`reading the response failed: ${String(error)}`);
      return;
    }
    if (observer.identity) {
      decide();
      return;
    }
    pause('decode');
    chain = chain.then(async () => {
      await observer.settle();
      decide();
      unpause('decode');
    });
  });
  let ended = false;
  upstream.once('end', () => {
    ended = true;
    upstreamFinished = true;
    chain = chain.then(conclude).catch((error: unknown) => {
      logger.error('held response failed', { error: String(error) });
      if (!clientGone) cut('internal error');
    });
  });
  upstream.once('close', () => {
    if (ended) return;
    upstreamFinished = true;
    void upstreamDone(new Error(clientGone ? 'client went away' : 'upstream closed early'));
    drop();
    if (!clientGone) response.destroy();
  });
}
