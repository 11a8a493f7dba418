import type { Agent, Credential } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/confirm-dialog';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatRelative, formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { AddCredentialDialog } from './add-credential-dialog';
import { AssignCredentialDialog } from './assign-credential-dialog';
import { TYPE_LABELS } from './credential-labels';
import { EditCredentialDialog } from './edit-credential-dialog';
import { RotateCredentialDialog } from './rotate-credential-dialog';

function CooldownStatus({ until }: { until: string | null }) {
  if (until && new Date(until).getTime() > Date.now()) {
    return (
      <Badge variant="warning" title={`Skipped until ${formatTime(until)}`}>
        cooling down until {new Date(until).toLocaleTimeString()}
      </Badge>
    );
  }
  return <Badge variant="success">ready</Badge>;
}

function AssignedAgents({ ids, agents }: { ids: string[]; agents: Map<string, Agent> }) {
  if (ids.length === 0) return <span className="text-muted-foreground">unassigned</span>;
  return (
    <ul className="flex max-w-64 flex-wrap gap-1">
      {ids.map((id) => (
        <li key={id}>
          <Badge variant="outline">{agents.get(id)?.name ?? id}</Badge>
        </li>
      ))}
    </ul>
  );
}

function CredentialRow(props: {
  credential: Credential;
  agents: Agent[];
  byId: Map<string, Agent>;
  admin: boolean;
}) {
  const { credential } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  return (
    <Tr>
      <Td className="font-medium whitespace-nowrap">{credential.name}</Td>
      <Td>{credential.provider}</Td>
      <Td className="whitespace-nowrap">{TYPE_LABELS[credential.type]}</Td>
      <Td className="font-mono whitespace-nowrap">••••{credential.last4}</Td>
      <Td className="tabular-nums">{credential.priority}</Td>
      <Td>
        <AssignedAgents ids={credential.agent_ids} agents={props.byId} />
      </Td>
      <Td>
        <CooldownStatus until={credential.cooldown_until} />
      </Td>
      <Td className="whitespace-nowrap" title={formatTime(credential.created_at)}>
        {formatRelative(credential.created_at)}
      </Td>
      {props.admin ? (
        <Td>
          <div className="grid w-max grid-cols-2 gap-1.5">
            <AssignCredentialDialog credential={credential} agents={props.agents} />
            <RotateCredentialDialog credential={credential} />
            <EditCredentialDialog credential={credential} />
            <ConfirmDialog
              trigger={
                <Button size="sm" variant="outline" aria-label={`Delete ${credential.name}`}>
                  Delete
                </Button>
              }
              title={`Delete ${credential.name}?`}
              description="Agents using it fall back to their other credentials. This cannot be undone."
              confirmLabel="Delete credential"
              pendingLabel="Working…"
              onConfirm={async () => {
                await api.credentials.delete(credential.id);
                await queryClient.invalidateQueries({ queryKey: ['credentials'] });
                toast(`Credential ${credential.name} deleted`);
              }}
            />
          </div>
        </Td>
      ) : null}
    </Tr>
  );
}

/** The workspace's provider keys and secrets: only names and last 4 characters are ever shown. */
export function CredentialsPage() {
  const api = useApi();
  const admin = useCan('ADMIN');
  const credentials = useQuery({ queryKey: ['credentials'], queryFn: () => api.credentials.list() });
  const agents = useQuery({ queryKey: ['agents', 'all'], queryFn: () => api.agents.list() });
  const byId = new Map((agents.data ?? []).map((agent) => [agent.id, agent]));
  return (
    <>
      <PageHeader
        title="Credentials"
        description="API keys and secrets your agents use. Values are encrypted and never shown; Admins manage them."
        actions={admin ? <AddCredentialDialog /> : null}
      />
      {credentials.isPending ? <Spinner /> : null}
      {credentials.error ? <ErrorNotice error={credentials.error} /> : null}
      {agents.error ? <ErrorNotice error={agents.error} className="mb-4" /> : null}
      {credentials.data?.length === 0 ? (
        <EmptyState title="No credentials yet">
          {admin
            ? 'Add an API key with “Add credential”, then assign it to the agents that should use it.'
            : 'An Admin of this workspace can add API keys for the agents.'}
        </EmptyState>
      ) : null}
      {credentials.data && credentials.data.length > 0 ? (
        <Table>
          <caption className="sr-only">Credentials of this workspace</caption>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Provider</Th>
              <Th>Type</Th>
              <Th>Value</Th>
              <Th>Priority</Th>
              <Th>Agents</Th>
              <Th>Status</Th>
              <Th>Created</Th>
              {admin ? <Th>Actions</Th> : null}
            </tr>
          </THead>
          <TBody>
            {credentials.data.map((credential) => (
              <CredentialRow
                key={credential.id}
                credential={credential}
                agents={agents.data ?? []}
                byId={byId}
                admin={admin}
              />
            ))}
          </TBody>
        </Table>
      ) : null}
    </>
  );
}
