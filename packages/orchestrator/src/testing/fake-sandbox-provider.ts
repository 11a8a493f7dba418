import type {
  Agent,
  AgentSandbox,
  Crew,
  ExecHandle,
  ExecOptions,
  ExecOutputLine,
  ExecResult,
  SandboxProvider,
} from '@crewship/contracts';

/** One exec of the fake sandbox, driven by the test. */
export interface FakeExec {
  readonly options: ExecOptions;
  /** How the process ended: by the test (`exit`), by `signal` or by `timeoutMs`; null while it runs. */
  readonly ending: 'exit' | 'signal' | 'timeout' | 'error' | null;
  readonly result: Promise<ExecResult>;
  stdout(line: string): void;
  stderr(line: string): void;
  exit(exitCode: number, durationMs?: number): void;
  /** Makes the handle fail, as a runtime does when the exec cannot start. */
  fail(error: unknown): void;
  /** Settles once the consumer has taken every line pushed so far and waits for more (or the end). */
  drained(): Promise<void>;
}

export interface PrepareCall {
  crew: Crew;
  agent: Agent;
  files: readonly { path: string; content: string }[];
}

export interface FakeSandboxProvider extends SandboxProvider {
  readonly prepared: PrepareCall[];
  readonly execs: FakeExec[];
  /** The next exec that no earlier `nextExec()` returned (waits for it). */
  nextExec(): Promise<FakeExec>;
  /** Replaces what `prepare` does before it returns the sandbox (throw, wait…). */
  onPrepare: ((call: PrepareCall) => Promise<void>) | null;
  /** Runs for every new exec, e.g. to print scripted lines and exit at once. */
  script: ((exec: FakeExec) => void) | null;
}

/** Exit code of a process killed by SIGKILL. */
const KILLED_EXIT_CODE = 137;

function createFakeExec(options: ExecOptions): FakeExec & { handle: ExecHandle } {
  const buffered: ExecOutputLine[] = [];
  const drainWaiters: (() => void)[] = [];
  let wake: (() => void) | undefined;
  let consumerWaiting = false;
  let ending: FakeExec['ending'] = null;
  let failure: unknown;
  let settle!: { resolve: (result: ExecResult) => void; reject: (error: unknown) => void };
  const result = new Promise<ExecResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;

  const notifyDrained = () => {
    for (const waiter of drainWaiters.splice(0)) waiter();
  };
  const resume = () => {
    const next = wake;
    wake = undefined;
    next?.();
  };
  const end = (how: Exclude<FakeExec['ending'], null>, outcome: ExecResult | { error: unknown }) => {
    if (ending) return;
    ending = how;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if ('error' in outcome) {
      failure = outcome.error;
      settle.reject(outcome.error);
    } else {
      settle.resolve(outcome);
    }
    resume();
  };
  const kill = (how: 'signal' | 'timeout') =>
    end(how, {
      exitCode: KILLED_EXIT_CODE,
      timedOut: how === 'timeout',
      cancelled: how === 'signal',
      durationMs: 0,
    });
  function onAbort() {
    kill('signal');
  }
  if (options.signal?.aborted) kill('signal');
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.timeoutMs !== undefined && !ending)
    timer = setTimeout(() => kill('timeout'), options.timeoutMs);

  const push = (line: ExecOutputLine) => {
    if (ending) return;
    buffered.push(line);
    resume();
  };

  const handle: ExecHandle = {
    result,
    async *[Symbol.asyncIterator]() {
      try {
        while (true) {
          const next = buffered.shift();
          if (next) {
            yield next;
            continue;
          }
          if (ending) {
            if (failure !== undefined) throw failure;
            return;
          }
          consumerWaiting = true;
          notifyDrained();
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          consumerWaiting = false;
        }
      } finally {
        consumerWaiting = true;
        notifyDrained();
      }
    },
  };

  return {
    handle,
    options,
    get ending() {
      return ending;
    },
    result,
    stdout: (line) => push({ stream: 'stdout', line }),
    stderr: (line) => push({ stream: 'stderr', line }),
    exit: (exitCode, durationMs = 0) =>
      end('exit', { exitCode, timedOut: false, cancelled: false, durationMs }),
    fail: (error) => end('error', { error }),
    drained: () =>
      new Promise<void>((resolve) => {
        if (consumerWaiting && buffered.length === 0) resolve();
        else drainWaiters.push(resolve);
      }),
  };
}

/**
 * A `SandboxProvider` whose execs are scripted by the test: lines, exit codes and timing are under the
 * test's control; `signal` and `timeoutMs` kill the fake process (exit code 137) as a real runtime would.
 */
export function createFakeSandboxProvider(): FakeSandboxProvider {
  const prepared: PrepareCall[] = [];
  const execs: FakeExec[] = [];
  const waiting: ((exec: FakeExec) => void)[] = [];
  let claimed = 0;

  const sandbox: AgentSandbox = {
    exec(options) {
      const exec = createFakeExec(options);
      execs.push(exec);
      const waiter = waiting.shift();
      if (waiter) {
        claimed += 1;
        waiter(exec);
      }
      provider.script?.(exec);
      return exec.handle;
    },
  };

  const provider: FakeSandboxProvider = {
    prepared,
    execs,
    onPrepare: null,
    script: null,
    async prepare(call) {
      prepared.push(call);
      await provider.onPrepare?.(call);
      return sandbox;
    },
    nextExec() {
      const ready = execs[claimed];
      if (ready) {
        claimed += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  return provider;
}
