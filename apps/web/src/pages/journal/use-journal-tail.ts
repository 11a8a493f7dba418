import type { JournalEntryDto } from '@crewship/contracts';
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../lib/session';

export type TailStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

const RETRY_MS = 2000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Follows the journal's server-sent events and calls `onEntry` for each new entry, once `enabled`.
 * `afterSeq` is the newest entry already shown, or `head` to start after the journal's newest entry;
 * a dropped stream reconnects from the last entry seen, so none is lost or repeated.
 */
export function useJournalTail(options: {
  enabled: boolean;
  afterSeq: number | 'head';
  type: string | undefined;
  onEntry: (entry: JournalEntryDto) => void;
}): TailStatus {
  const api = useApi();
  const [status, setStatus] = useState<TailStatus>('off');
  const latest = useRef(options);
  latest.current = options;
  const { enabled, type } = options;

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const { signal } = controller;
    setStatus('connecting');
    void (async () => {
      let after: number | undefined;
      while (!signal.aborted) {
        try {
          if (after === undefined) {
            const start = latest.current.afterSeq;
            after = start === 'head' ? ((await api.journal.list({ limit: 1 })).items[0]?.seq ?? 0) : start;
          }
          const entries = await api.journal.tail({ afterSeq: after, type, signal });
          if (signal.aborted) return;
          setStatus('live');
          for await (const entry of entries) {
            if (entry.seq <= after) continue;
            after = entry.seq;
            latest.current.onEntry(entry);
          }
        } catch {
          // The stream dropped or could not open: try again from the last entry seen.
        }
        if (signal.aborted) return;
        setStatus('reconnecting');
        await pause(RETRY_MS, signal);
      }
    })();
    return () => {
      controller.abort();
      setStatus('off');
    };
  }, [api, enabled, type]);

  return status;
}
