import type { ExecHandle, ExecOutputLine, ExecResult } from '@crewship/contracts';

/** The producer side of an `ExecHandle`: lines are buffered until iterated; one consumer. */
export function createExecHandle(): {
  handle: ExecHandle;
  push(line: ExecOutputLine): void;
  finish(result: ExecResult): void;
  fail(error: unknown): void;
} {
  const buffered: ExecOutputLine[] = [];
  let waiting: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  let settle!: { resolve: (result: ExecResult) => void; reject: (error: unknown) => void };
  const result = new Promise<ExecResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  const wake = () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  };
  const handle: ExecHandle = {
    result,
    async *[Symbol.asyncIterator]() {
      while (true) {
        const next = buffered.shift();
        if (next) {
          yield next;
          continue;
        }
        if (done) {
          if (failure !== undefined) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          waiting = resolve;
        });
      }
    },
  };
  return {
    handle,
    push(line) {
      if (done) return;
      buffered.push(line);
      wake();
    },
    finish(outcome) {
      if (done) return;
      done = true;
      settle.resolve(outcome);
      wake();
    },
    fail(error) {
      if (done) return;
      done = true;
      failure = error;
      settle.reject(error);
      wake();
    },
  };
}
