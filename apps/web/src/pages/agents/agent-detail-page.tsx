import { PageHeader } from '../../components/ui/feedback';

export function AgentDetailPage() {
  return <PageHeader title="Agent" />;
}
