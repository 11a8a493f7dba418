/**
 * A push source read as an async iterable: producers `push` items and `end` it (with a failure to
 * throw to the reader, if any); the reader drains them in order. An abort signal ends it too.
 */
export function createPushQueue<T>(signal?: AbortSignal) {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const end = (error?: { error: unknown }) => {
    if (ended) return;
    ended = true;
    failure = error;
    notify();
  };
  signal?.addEventListener('abort', () => end(), { once: true });
  if (signal?.aborted) end();
  return {
    push(item: T) {
      if (ended) return;
      queue.push(item);
      notify();
    },
    /** No more items; with `failure`, the reader throws its error after the queued items. */
    end,
    async *drain(): AsyncGenerator<T> {
      while (true) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (ended) {
          if (failure) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
