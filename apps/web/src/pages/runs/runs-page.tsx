import { PageHeader } from '../../components/ui/feedback';

export function RunsPage() {
  return <PageHeader title="Runs" />;
}
