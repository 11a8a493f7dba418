import { PageHeader } from '../../components/ui/feedback';

export function InboxPage() {
  return <PageHeader title="Inbox" />;
}
