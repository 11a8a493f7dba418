import { PageHeader } from '../../components/ui/feedback';

export function ChatPage() {
  return <PageHeader title="Chat" />;
}
