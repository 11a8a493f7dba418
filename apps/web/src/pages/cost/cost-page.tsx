import { PageHeader } from '../../components/ui/feedback';

export function CostPage() {
  return <PageHeader title="Cost and budgets" />;
}
