import { PageHeader } from '../../components/ui/feedback';

export function CrewsPage() {
  return <PageHeader title="Crews" />;
}
