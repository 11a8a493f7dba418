import { PageHeader } from '../../components/ui/feedback';

export function RunDetailPage() {
  return <PageHeader title="Run" />;
}
