import { PageHeader } from '../../components/ui/feedback';

export function CredentialsPage() {
  return <PageHeader title="Credentials" />;
}
