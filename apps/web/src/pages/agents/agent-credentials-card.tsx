import type { Agent } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Select } from '../../components/ui/input';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { useApi, useCan } from '../../lib/session';

/** Credentials assigned to the agent; Admins assign and unassign them. */
export function AgentCredentialsCard({ agent }: { agent: Agent }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canAssign = useCan('ADMIN');
  const [choice, setChoice] = useState('');
  const credentials = useQuery({ queryKey: ['credentials'], queryFn: () => api.credentials.list() });
  const change = useMutation({
    mutationFn: async (input: { id: string; assign: boolean }) =>
      input.assign
        ? api.credentials.assign(input.id, [agent.id])
        : api.credentials.unassign(input.id, [agent.id]),
    onSuccess: async (credential, input) => {
      await queryClient.invalidateQueries({ queryKey: ['credentials'] });
      if (input.assign) setChoice('');
      toast(`${credential.name} ${input.assign ? 'assigned to' : 'unassigned from'} ${agent.name}`);
    },
  });
  const assigned = credentials.data?.filter((credential) => credential.agent_ids.includes(agent.id));
  const others = credentials.data?.filter((credential) => !credential.agent_ids.includes(agent.id));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Credentials</CardTitle>
        <CardDescription>
          Model calls of this agent use these; for a provider without one, the workspace's unassigned
          credentials are used. Values are never shown.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-1 gap-4">
        {credentials.isPending ? <Spinner /> : null}
        {credentials.error ? <ErrorNotice error={credentials.error} /> : null}
        {change.error ? <ErrorNotice error={change.error} /> : null}
        {assigned && assigned.length === 0 ? (
          <p className="text-sm text-muted-foreground">No credentials assigned to {agent.name}.</p>
        ) : null}
        {assigned && assigned.length > 0 ? (
          <Table>
            <caption className="sr-only">Credentials assigned to {agent.name}</caption>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Provider</Th>
                <Th>Value</Th>
                {canAssign ? (
                  <Th className="relative">
                    <span className="sr-only">Actions</span>
                  </Th>
                ) : null}
              </tr>
            </THead>
            <TBody>
              {assigned.map((credential) => (
                <Tr key={credential.id}>
                  <Td className="font-medium">{credential.name}</Td>
                  <Td>{credential.provider}</Td>
                  <Td className="font-mono text-xs">…{credential.last4}</Td>
                  {canAssign ? (
                    <Td className="text-right">
                      <Button
                        variant="outline"
                        size="sm"
                        disabled={change.isPending}
                        aria-label={`Unassign ${credential.name}`}
                        onClick={() => change.mutate({ id: credential.id, assign: false })}
                      >
                        Unassign
                      </Button>
                    </Td>
                  ) : null}
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
        {canAssign && others && others.length > 0 ? (
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (choice) change.mutate({ id: choice, assign: true });
            }}
          >
            <Field label="Assign a credential" className="min-w-0 flex-1 basis-56">
              <Select value={choice} onChange={(event) => setChoice(event.target.value)}>
                <option value="">Choose a credential</option>
                {others.map((credential) => (
                  <option key={credential.id} value={credential.id}>
                    {credential.name} ({credential.provider}, …{credential.last4})
                  </option>
                ))}
              </Select>
            </Field>
            <Button type="submit" disabled={!choice || change.isPending}>
              Assign
            </Button>
          </form>
        ) : null}
        {canAssign && credentials.data?.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            <Link to="/credentials" className="text-primary hover:underline">
              Add a credential
            </Link>{' '}
            to the workspace first.
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
