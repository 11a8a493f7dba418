import { PageHeader } from '../../components/ui/feedback';

export function JournalPage() {
  return <PageHeader title="Journal" />;
}
