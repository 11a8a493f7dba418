import { PageHeader } from '../../components/ui/feedback';

export function SettingsPage() {
  return <PageHeader title="Settings" />;
}
