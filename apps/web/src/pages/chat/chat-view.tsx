import type { Agent, ChatMessage, Run } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { useChannel } from '../../lib/realtime';
import { useApi, useCan } from '../../lib/session';
import { followRun, useLiveRun } from '../runs/live-runs';
import { ChatTurn } from './chat-turn';
import { Composer } from './composer';
import { groupTurns } from './group-turns';

/**
 * The messages of one chat and the composer. A run started here streams from the seq `send` returned;
 * a run already in progress when the chat opens (or started elsewhere) streams from what the server
 * still buffers.
 */
export function ChatView(props: {
  agent: Agent;
  chatId: string | null;
  loading: boolean;
  /** A new chat is being created: sending waits for it. */
  creatingChat: boolean;
  onChatCreated: (id: string) => void;
}) {
  const { chatId } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const canChat = useCan('MEMBER');
  const [shownRun, setShownRun] = useState<{ chatId: string; runId: string } | null>(null);
  const sending = useRef(false);

  const chat = useQuery({
    queryKey: ['chats', 'detail', chatId],
    queryFn: () => api.chats.get(chatId as string),
    enabled: chatId !== null,
  });
  const messages = useQuery({
    queryKey: ['chats', 'messages', chatId],
    queryFn: () => api.chats.messages(chatId as string, { limit: 1000 }),
    enabled: chatId !== null,
  });
  const runs = useQuery({
    queryKey: ['runs', 'list', { chat: chatId }],
    queryFn: () => api.runs.list({ chat: chatId as string, limit: 500 }),
    enabled: chatId !== null,
  });

  const activeRun = chat.data?.id === chatId ? chat.data.active_run_id : null;
  useEffect(() => {
    // A run started elsewhere, or before this chat was opened: replay what the server still buffers.
    if (!chatId || !activeRun || sending.current) return;
    followRun(api, queryClient, { chatId, runId: activeRun, afterSeq: 0 });
    setShownRun({ chatId, runId: activeRun });
  }, [api, queryClient, chatId, activeRun]);

  const refresh = (id: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['chats', 'messages', id] }),
      queryClient.invalidateQueries({ queryKey: ['chats', 'detail', id] }),
      queryClient.invalidateQueries({ queryKey: ['chats', 'list'] }),
      queryClient.invalidateQueries({ queryKey: ['runs'] }),
    ]);

  const liveRunId = shownRun && shownRun.chatId === chatId ? shownRun.runId : (activeRun ?? null);
  const live = useLiveRun(liveRunId);

  useChannel(
    chatId ? `chat:${chatId}` : undefined,
    (event) => {
      if (!chatId || event.type === 'agent.event') return;
      const data = event.data as { run_id?: string; message?: { run_id?: string | null } };
      const runId = data.run_id ?? data.message?.run_id;
      if (sending.current || (runId && runId === live?.runId)) return;
      void refresh(chatId);
    },
    () => {
      if (chatId) void refresh(chatId);
    },
  );

  const send = useMutation({
    mutationFn: async (content: string) => {
      sending.current = true;
      let id = chatId;
      if (!id) {
        const created = await api.chats.create(props.agent.id);
        id = created.id;
        props.onChatCreated(id);
      }
      return { chatId: id, posted: await api.chats.send(id, content) };
    },
    onSuccess: ({ chatId: id, posted }) => {
      queryClient.setQueryData<ChatMessage[]>(['chats', 'messages', id], (previous) =>
        previous?.some((message) => message.id === posted.message.id)
          ? previous
          : [...(previous ?? []), posted.message],
      );
      queryClient.setQueryData<Run[]>(['runs', 'list', { chat: id }], (previous) => [
        posted.run,
        ...(previous ?? []).filter((run) => run.id !== posted.run.id),
      ]);
      followRun(api, queryClient, { chatId: id, runId: posted.run.id, afterSeq: posted.stream_after_seq });
      setShownRun({ chatId: id, runId: posted.run.id });
      void queryClient.invalidateQueries({ queryKey: ['chats', 'list'] });
    },
    onSettled: () => {
      sending.current = false;
    },
  });

  const turns = useMemo(() => groupTurns(messages.data ?? []), [messages.data]);
  const runsById = useMemo(() => new Map((runs.data ?? []).map((run) => [run.id, run])), [runs.data]);
  const running = Boolean(activeRun) || (live?.status === 'running' && !live.failed);

  const end = useRef<HTMLDivElement>(null);
  const scrolledChat = useRef<string | null>(null);
  const lastItem = live?.timeline.items.at(-1);
  const growth = `${turns.length}:${runs.data?.length ?? 0}:${live?.timeline.items.length ?? 0}:${lastItem?.kind === 'text' ? lastItem.text.length : 0}`;
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !chatId || growth.startsWith('0:')) return;
    // The newest messages when a chat opens; later, follow new output only when already near the end.
    const opened = scrolledChat.current !== chatId;
    scrolledChat.current = chatId;
    const nearBottom = sentinel.getBoundingClientRect().top < window.innerHeight + 400;
    if (opened || nearBottom) sentinel.scrollIntoView({ block: 'end' });
  }, [growth, chatId]);

  if (props.loading) return <Spinner />;
  return (
    <section aria-label="Conversation" className="grid min-w-0 content-start gap-4">
      {chat.error ? <ErrorNotice error={chat.error} /> : null}
      {messages.error ? <ErrorNotice error={messages.error} /> : null}
      {chatId && messages.isPending ? <Spinner /> : null}
      {!chatId || (messages.data && messages.data.length === 0) ? (
        <EmptyState title={`Nothing said to ${props.agent.name} yet`}>
          {canChat ? 'Write a message below; the answer streams in as the agent works.' : null}
        </EmptyState>
      ) : null}
      {turns.length > 0 ? (
        <ol role="log" aria-label="Chat history" aria-busy={running || undefined} className="grid gap-5">
          {turns.map((turn) => (
            <ChatTurn key={turn.key} turn={turn} run={turn.runId ? runsById.get(turn.runId) : undefined} />
          ))}
        </ol>
      ) : null}
      {canChat ? (
        <Composer
          onSend={async (content) => {
            try {
              await send.mutateAsync(content);
              return true;
            } catch {
              return false;
            }
          }}
          pending={send.isPending || props.creatingChat}
          blockedReason={running ? 'A run is in progress: wait for it to end or cancel it.' : null}
          error={send.error}
        />
      ) : (
        <p className="text-sm text-muted-foreground">Viewers can read chats but not send messages.</p>
      )}
      <div ref={end} />
    </section>
  );
}
