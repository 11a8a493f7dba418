import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../components/ui/button';
import { ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { errorMessage } from '../../lib/api';
import { useApi } from '../../lib/session';
import { ChatList } from './chat-list';
import { ChatView } from './chat-view';

/** One agent's chats: the list on the left (above on phones), the selected chat on the right. */
export function AgentChat({ agentReference }: { agentReference: string }) {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const toast = useToast();
  const agent = useQuery({
    queryKey: ['agents', 'detail', agentReference],
    queryFn: () => api.agents.get(agentReference),
  });
  const agentId = agent.data?.id;
  const chats = useQuery({
    queryKey: ['chats', 'list', { agent: agentId }],
    queryFn: () => api.chats.list({ agent: agentId }),
    enabled: agentId !== undefined,
  });
  const selectChat = (id: string) => setParams({ chat: id });
  // Sending waits for this: a message typed right after "New chat" belongs in the new chat.
  const create = useMutation({
    mutationFn: (agent: string) => api.chats.create(agent),
    onSuccess: async (chat) => {
      await queryClient.invalidateQueries({ queryKey: ['chats', 'list'] });
      selectChat(chat.id);
    },
    onError: (error) => toast(errorMessage(error), 'error'),
  });
  if (agent.isPending) return <Spinner />;
  if (agent.error) {
    return (
      <>
        <PageHeader title="Chat" />
        <ErrorNotice error={agent.error} className="mb-4" />
        <Button asChild variant="outline">
          <Link to="/chat">Pick another agent</Link>
        </Button>
      </>
    );
  }
  const chatId = params.get('chat') ?? chats.data?.[0]?.id ?? null;
  const details = [agent.data.crew_slug, agent.data.model].filter(Boolean).join(' · ');
  return (
    <>
      <PageHeader
        title={`Chat with ${agent.data.name}`}
        description={details}
        actions={
          <Button asChild variant="ghost" size="sm">
            <Link to="/chat">All agents</Link>
          </Button>
        }
      />
      <div className="grid gap-4 md:grid-cols-[15rem_minmax(0,1fr)] md:gap-6">
        <ChatList
          chats={chats}
          selected={chatId}
          onCreate={() => create.mutate(agent.data.id)}
          creating={create.isPending}
        />
        <ChatView
          agent={agent.data}
          chatId={chats.isPending ? null : chatId}
          loading={chats.isPending}
          creatingChat={create.isPending}
          onChatCreated={selectChat}
        />
      </div>
    </>
  );
}
