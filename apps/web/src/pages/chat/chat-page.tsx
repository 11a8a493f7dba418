import { useParams } from 'react-router';
import { AgentChat } from './agent-chat';
import { AgentPicker } from './agent-picker';

/** `/chat` picks an agent; `/chat/:agent` (slug or id) holds that agent's chats. */
export function ChatPage() {
  const { agent } = useParams();
  if (!agent) return <AgentPicker />;
  return <AgentChat key={agent} agentReference={agent} />;
}
