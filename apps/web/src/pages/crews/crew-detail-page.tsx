import { PageHeader } from '../../components/ui/feedback';

export function CrewDetailPage() {
  return <PageHeader title="Crew" />;
}
