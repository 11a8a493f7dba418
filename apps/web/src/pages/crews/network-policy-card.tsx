import { type Crew, NETWORK_MODES, type NetworkMode, updateCrewRequestSchema } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Field } from '../../components/ui/field';
import { FormActions } from '../../components/ui/form-actions';
import { FormError } from '../../components/ui/form-error';
import { Select } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { formIssues } from '../../lib/form-issues';
import { useApi, useCan } from '../../lib/session';
import { NETWORK_MODE_LABELS } from './crew-limits';
import { DomainListEditor } from './domain-list-editor';

function ReadOnlyPolicy({ crew }: { crew: Crew }) {
  return (
    <dl className="grid grid-cols-1 gap-3 text-sm">
      <div>
        <dt className="font-medium">Network mode</dt>
        <dd className="text-muted-foreground">
          {NETWORK_MODE_LABELS[crew.network_mode] ?? crew.network_mode}
        </dd>
      </div>
      <div>
        <dt className="font-medium">Allowed domains</dt>
        <dd className="text-muted-foreground">
          {crew.allowed_domains.length === 0 ? (
            'None besides the model providers.'
          ) : (
            <ul className="mt-1 flex flex-wrap gap-2">
              {crew.allowed_domains.map((domain) => (
                <li key={domain} className="rounded-md border px-2 py-0.5 font-mono text-xs">
                  {domain}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
    </dl>
  );
}

/** The crew's egress policy; Managers edit it, everyone else reads it. */
export function NetworkPolicyCard({ crew }: { crew: Crew }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canEdit = useCan('MANAGER');
  const [mode, setMode] = useState<NetworkMode>(crew.network_mode);
  const [domains, setDomains] = useState(crew.allowed_domains);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (input: { network_mode: NetworkMode; allowed_domains: string[] }) =>
      api.crews.update(crew.id, input),
    onSuccess: async (updated) => {
      setMode(updated.network_mode);
      setDomains(updated.allowed_domains);
      await queryClient.invalidateQueries({ queryKey: ['crews'] });
      toast('Network policy saved');
    },
  });
  const dirty =
    mode !== crew.network_mode || JSON.stringify(domains) !== JSON.stringify(crew.allowed_domains);
  const errors = { ...fieldErrors(save.error), ...issues };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = { network_mode: mode, allowed_domains: domains };
    const parsed = updateCrewRequestSchema.safeParse(request);
    setIssues(formIssues(parsed.error));
    if (parsed.success) save.mutate(request);
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Network policy</CardTitle>
        <CardDescription>
          Restricted: the container has no network; only the model providers and the allowed domains are
          reachable through the proxy. Open: any host. Domains apply at once; a new mode applies when the
          container next starts.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {canEdit ? (
          <form className="grid grid-cols-1 gap-4" noValidate onSubmit={submit}>
            <Field label="Network mode" error={errors.network_mode}>
              <Select value={mode} onChange={(event) => setMode(event.target.value as NetworkMode)}>
                {NETWORK_MODES.map((option) => (
                  <option key={option} value={option}>
                    {NETWORK_MODE_LABELS[option] ?? option}
                  </option>
                ))}
              </Select>
            </Field>
            <DomainListEditor domains={domains} onChange={setDomains} error={errors.allowed_domains} />
            <FormError error={save.error} />
            <FormActions
              label="Save network policy"
              pending={save.isPending}
              dirty={dirty}
              onDiscard={() => {
                setMode(crew.network_mode);
                setDomains(crew.allowed_domains);
                setIssues({});
              }}
            />
          </form>
        ) : (
          <ReadOnlyPolicy crew={crew} />
        )}
      </CardContent>
    </Card>
  );
}
