import { createRealtimeClient, type RealtimeClient, type RealtimeEvent } from '@crewship/sdk';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from './session';

type Handler = (event: RealtimeEvent) => void;

interface Realtime {
  on(channel: string, handler: Handler, onGap?: () => void): () => void;
}

const RealtimeContext = createContext<Realtime | null>(null);
const StatusContext = createContext('closed');

/** One WebSocket per tab; channels are subscribed while at least one component listens to them. */
export function RealtimeProvider(props: { children: ReactNode }) {
  const api = useApi();
  const [status, setStatus] = useState('connecting');
  const handlers = useRef(new Map<string, Set<Handler>>());
  const gapHandlers = useRef(new Map<string, Set<() => void>>());
  const client = useRef<RealtimeClient | null>(null);

  useEffect(() => {
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
    const realtime = createRealtimeClient({
      url,
      getToken: async () => (await api.wsToken()).token,
      onEvent: (event) => {
        for (const handler of handlers.current.get(event.channel) ?? []) handler(event);
      },
      onGap: ({ channel }) => {
        for (const handler of gapHandlers.current.get(channel) ?? []) handler();
      },
      onStatus: setStatus,
    });
    client.current = realtime;
    for (const channel of handlers.current.keys()) realtime.subscribe(channel);
    return () => {
      client.current = null;
      realtime.close();
    };
  }, [api]);

  const value = useMemo<Realtime>(
    () => ({
      on(channel, handler, onGap) {
        let set = handlers.current.get(channel);
        if (!set) {
          set = new Set();
          handlers.current.set(channel, set);
          client.current?.subscribe(channel);
        }
        set.add(handler);
        if (onGap) {
          const gaps = gapHandlers.current.get(channel) ?? new Set();
          gaps.add(onGap);
          gapHandlers.current.set(channel, gaps);
        }
        return () => {
          set.delete(handler);
          if (onGap) gapHandlers.current.get(channel)?.delete(onGap);
          if (set.size === 0) {
            handlers.current.delete(channel);
            client.current?.unsubscribe(channel);
          }
        };
      },
    }),
    [],
  );
  return (
    <RealtimeContext.Provider value={value}>
      <StatusContext.Provider value={status}>{props.children}</StatusContext.Provider>
    </RealtimeContext.Provider>
  );
}

/**
 * Calls `handler` for every live event of `channel` (`workspace:<id>`, `chat:<id>`, `user:<id>`) while
 * the component is mounted; `onGap` runs when events were lost and the caller should refetch.
 */
export function useChannel(channel: string | undefined, handler: Handler, onGap?: () => void): void {
  const realtime = useContext(RealtimeContext);
  const latest = useRef({ handler, onGap });
  latest.current = { handler, onGap };
  useEffect(() => {
    if (!realtime || !channel) return;
    return realtime.on(
      channel,
      (event) => latest.current.handler(event),
      () => latest.current.onGap?.(),
    );
  }, [realtime, channel]);
}

/** `connecting | open | reconnecting | closed`, for a small live indicator. */
export function useRealtimeStatus(): string {
  return useContext(StatusContext);
}
