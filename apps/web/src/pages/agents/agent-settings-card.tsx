import { type Agent, type Crew, updateAgentRequestSchema } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { formIssues } from '../crews/form-issues';
import { AgentFields, agentFormOf, agentRequest } from './agent-fields';
import { AGENT_ROLE_LABELS, CLI_ADAPTER_LABELS, TOOL_PROFILE_LABELS } from './agent-labels';

function ReadOnlySettings({ agent }: { agent: Agent }) {
  const rows: [string, string][] = [
    ['CLI adapter', CLI_ADAPTER_LABELS[agent.cli_adapter]],
    ['Model', agent.model ?? "The CLI's default"],
    ['Role', AGENT_ROLE_LABELS[agent.role]],
    ['Tool profile', TOOL_PROFILE_LABELS[agent.tool_profile]],
    ['Created', formatTime(agent.created_at)],
  ];
  return (
    <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
      {rows.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="font-medium">{label}</dt>
          <dd className="break-words text-muted-foreground">{value}</dd>
        </div>
      ))}
      <div className="min-w-0 sm:col-span-2">
        <dt className="font-medium">Persona</dt>
        <dd className="whitespace-pre-wrap break-words text-muted-foreground">{agent.persona || '—'}</dd>
      </div>
    </dl>
  );
}

/** Every field of the agent; Managers edit them (a new slug moves the page to its new address). */
export function AgentSettingsCard(props: { agent: Agent; crews: Crew[]; onSaved: (agent: Agent) => void }) {
  const { agent } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canEdit = useCan('MANAGER');
  const [form, setForm] = useState(() => agentFormOf(agent));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (input: Parameters<typeof api.agents.update>[1]) => api.agents.update(agent.id, input),
    onSuccess: async (updated) => {
      setForm(agentFormOf(updated));
      await queryClient.invalidateQueries({ queryKey: ['agents'], refetchType: 'none' });
      toast('Agent saved');
      props.onSaved(updated);
    },
  });
  const request = agentRequest(form);
  const original = agentRequest(agentFormOf(agent));
  const changes = Object.fromEntries(
    Object.entries(request).filter(([key, value]) => original[key as keyof typeof original] !== value),
  );
  const dirty = Object.keys(changes).length > 0;
  const errors = { ...fieldErrors(save.error), ...issues };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = updateAgentRequestSchema.safeParse(changes);
    setIssues(formIssues(parsed.error));
    if (parsed.success) save.mutate(changes);
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
      </CardHeader>
      <CardContent>
        {canEdit ? (
          <form className="grid grid-cols-1 gap-4" noValidate onSubmit={submit}>
            <AgentFields value={form} onChange={setForm} crews={props.crews} errors={errors} />
            {save.error && Object.keys(fieldErrors(save.error)).length === 0 ? (
              <ErrorNotice error={save.error} />
            ) : null}
            <div className="flex flex-wrap gap-2">
              <Button type="submit" disabled={!dirty || save.isPending}>
                Save agent
              </Button>
              {dirty ? (
                <Button
                  variant="ghost"
                  onClick={() => {
                    setForm(agentFormOf(agent));
                    setIssues({});
                  }}
                >
                  Discard changes
                </Button>
              ) : null}
            </div>
          </form>
        ) : (
          <ReadOnlySettings agent={agent} />
        )}
      </CardContent>
    </Card>
  );
}
