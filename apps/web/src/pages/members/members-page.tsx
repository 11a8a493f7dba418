import { PageHeader } from '../../components/ui/feedback';

export function MembersPage() {
  return <PageHeader title="Members" />;
}
