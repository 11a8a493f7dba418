import { type Agent, type Crew, updateAgentRequestSchema } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { DetailList } from '../../components/ui/detail-list';
import { FormActions } from '../../components/ui/form-actions';
import { FormError } from '../../components/ui/form-error';
import { useToast } from '../../components/ui/toast';
import { AGENT_ROLE_LABELS, CLI_ADAPTER_LABELS, TOOL_PROFILE_LABELS } from '../../lib/agent-labels';
import { fieldErrors } from '../../lib/api';
import { changedFields } from '../../lib/changed-fields';
import { formIssues } from '../../lib/form-issues';
import { formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { AgentFields, agentFormOf, agentRequest } from './agent-fields';

function ReadOnlySettings({ agent }: { agent: Agent }) {
  return (
    <DetailList
      items={[
        ['CLI adapter', CLI_ADAPTER_LABELS[agent.cli_adapter]],
        ['Model', agent.model ?? "The CLI's default"],
        ['Role', AGENT_ROLE_LABELS[agent.role]],
        ['Tool profile', TOOL_PROFILE_LABELS[agent.tool_profile]],
        ['Created', formatTime(agent.created_at)],
      ]}
    >
      <div className="min-w-0 sm:col-span-2">
        <dt className="font-medium">Persona</dt>
        <dd className="whitespace-pre-wrap break-words text-muted-foreground">{agent.persona || '—'}</dd>
      </div>
    </DetailList>
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
  const changes = changedFields(agentRequest(form), agentRequest(agentFormOf(agent)));
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
            <FormError error={save.error} />
            <FormActions
              label="Save agent"
              pending={save.isPending}
              dirty={dirty}
              onDiscard={() => {
                setForm(agentFormOf(agent));
                setIssues({});
              }}
            />
          </form>
        ) : (
          <ReadOnlySettings agent={agent} />
        )}
      </CardContent>
    </Card>
  );
}
