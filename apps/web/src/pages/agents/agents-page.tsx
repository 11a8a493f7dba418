import { PageHeader } from '../../components/ui/feedback';

export function AgentsPage() {
  return <PageHeader title="Agents" />;
}
