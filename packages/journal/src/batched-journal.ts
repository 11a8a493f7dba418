import {
  CrewshipError,
  type JournalEntry,
  type JournalEntryInput,
  type JournalWriter,
  type Logger,
  silentLogger,
} from '@crewship/contracts';
import type { SqliteJournal } from './sqlite-journal.js';

export interface BatchedJournalOptions {
  /** Longest time an entry waits in the queue. */
  flushIntervalMs?: number;
  /** Rows per transaction; a full batch is written at once. */
  maxBatch?: number;
  logger?: Logger;
}

/** A JournalWriter whose `append` resolves once the entry's batch has committed. */
export interface BatchedJournal extends JournalWriter {
  /** Writes everything queued so far; failures reject the entries' own promises, never this one. */
  flush(): Promise<void>;
  /** Flushes, then refuses further appends with `unavailable`. */
  close(): Promise<void>;
}

interface Pending {
  draft: ReturnType<SqliteJournal['prepare']>;
  resolve(entry: JournalEntry): void;
  reject(error: unknown): void;
}

/**
 * Queues appends and stores them in batches, each in one transaction (one hash-chain read, one commit).
 * Entries are validated before they are queued, so a bad entry fails alone.
 */
export function createBatchedJournal(
  journal: Pick<SqliteJournal, 'prepare' | 'appendMany'>,
  options: BatchedJournalOptions = {},
): BatchedJournal {
  const flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 100);
  const maxBatch = Math.max(1, Math.trunc(options.maxBatch ?? 64));
  const logger = options.logger ?? silentLogger;
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  function writeBatch(batch: readonly Pending[]) {
    let entries: JournalEntry[];
    try {
      entries = journal.appendMany(batch.map((pending) => pending.draft));
    } catch (error) {
      // A busy database fails the batch as a whole; anything else is retried row by row so that one
      // row the database refuses does not take its neighbours down with it.
      if (batch.length > 1 && !(error instanceof CrewshipError && error.kind === 'unavailable')) {
        logger.warn('journal batch failed, retrying its entries one by one', {
          entries: batch.length,
          error: String(error),
        });
        for (const pending of batch) writeBatch([pending]);
        return;
      }
      logger.error('journal batch was not stored', { entries: batch.length, error: String(error) });
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (let index = 0; index < batch.length; index++) batch[index]!.resolve(entries[index]!);
  }

  function drain() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    // append() writes a full batch at once, so the queue never holds more than maxBatch entries.
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      writeBatch(batch);
    }
  }

  return {
    append(input: JournalEntryInput) {
      if (closed) return Promise.reject(new CrewshipError('unavailable', 'the journal writer is closed'));
      let draft: Pending['draft'];
      try {
        draft = journal.prepare(input);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<JournalEntry>((resolve, reject) => {
        queue.push({ draft, resolve, reject });
        if (queue.length >= maxBatch) {
          const batch = queue;
          queue = [];
          writeBatch(batch);
          if (queue.length === 0 && timer) {
            clearTimeout(timer);
            timer = null;
          }
        } else if (!timer) {
          timer = setTimeout(drain, flushIntervalMs);
        }
      });
    },

    async flush() {
      drain();
    },

    async close() {
      closed = true;
      drain();
    },
  };
}
