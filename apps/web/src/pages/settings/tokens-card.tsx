import type { CreatedToken } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ConfirmDialog } from '../../components/ui/confirm-dialog';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input } from '../../components/ui/input';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { formatRelative, formatTime } from '../../lib/format';
import { useApi } from '../../lib/session';
import { CreatedTokenNotice } from './created-token-notice';

function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: '', days: '' });
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    gcTime: 0,
    mutationFn: () =>
      api.tokens.create({
        name: form.name.trim(),
        ...(form.days.trim() ? { expires_in_days: Number(form.days) } : {}),
      }),
    onSuccess: async (token) => {
      onCreated(token);
      setForm({ name: '', days: '' });
      create.reset();
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const submit = () => {
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Name the token after where it is used.';
    const days = form.days.trim();
    if (days && !(/^\d+$/.test(days) && Number(days) >= 1 && Number(days) <= 3650)) {
      problems.expires_in_days = 'A whole number of days from 1 to 3650.';
    }
    setLocal(problems);
    if (Object.keys(problems).length === 0) create.mutate();
  };
  const errors = { ...fieldErrors(create.error), ...local };
  return (
    <form
      className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Field label="Token name" error={errors.name}>
        <Input
          value={form.name}
          placeholder="e.g. ci-deploy"
          onChange={(event) => setForm({ ...form, name: event.target.value })}
        />
      </Field>
      <Field label="Expires in (days)" error={errors.expires_in_days} hint="Empty: never.">
        <Input
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          value={form.days}
          onChange={(event) => setForm({ ...form, days: event.target.value })}
        />
      </Field>
      <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create token'}
      </Button>
      <FormError error={create.error} className="sm:col-span-3" />
    </form>
  );
}

/** The caller's own CLI tokens and browser sessions; a new token is shown once. */
export function TokensCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => api.tokens.list() });
  return (
    <Card>
      <CardHeader>
        <CardTitle>CLI tokens</CardTitle>
        <CardDescription>
          Tokens let the CLI and scripts act as you, in every workspace you belong to. Revoke the ones you no
          longer use.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {created ? (
          <CreatedTokenNotice token={created} onDone={() => setCreated(null)} />
        ) : (
          <CreateTokenForm onCreated={setCreated} />
        )}
        {tokens.isPending ? <Spinner /> : null}
        {tokens.error ? <ErrorNotice error={tokens.error} /> : null}
        {tokens.data?.length === 0 ? <EmptyState title="No tokens" /> : null}
        {tokens.data && tokens.data.length > 0 ? (
          <Table>
            <caption className="sr-only">Your tokens and sessions</caption>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Kind</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th>Actions</Th>
              </tr>
            </THead>
            <TBody>
              {tokens.data.map((token) => (
                <Tr key={token.id}>
                  <Td className="font-medium whitespace-nowrap">
                    {token.name}
                    {token.current ? (
                      <Badge variant="success" className="ml-2">
                        this session
                      </Badge>
                    ) : null}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {token.kind === 'cli' ? 'CLI token' : 'browser session'}
                  </Td>
                  <Td className="whitespace-nowrap" title={formatTime(token.created_at)}>
                    {formatRelative(token.created_at)}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {token.last_used_at ? formatRelative(token.last_used_at) : 'never'}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {token.expires_at ? formatTime(token.expires_at) : 'never'}
                  </Td>
                  <Td>
                    {token.current ? null : (
                      <ConfirmDialog
                        trigger={
                          <Button size="sm" variant="outline" aria-label={`Revoke ${token.name}`}>
                            Revoke
                          </Button>
                        }
                        title={`Revoke ${token.name}?`}
                        description="Anything using this token is signed out at once."
                        confirmLabel="Revoke token"
                        pendingLabel="Working…"
                        onConfirm={async () => {
                          await api.tokens.revoke(token.id);
                          toast(`Token ${token.name} revoked`);
                          await queryClient.invalidateQueries({ queryKey: ['tokens'] });
                        }}
                      />
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}
