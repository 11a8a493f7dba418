import { type Crew, updateCrewRequestSchema } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { DetailList } from '../../components/ui/detail-list';
import { FormActions } from '../../components/ui/form-actions';
import { FormError } from '../../components/ui/form-error';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { changedFields } from '../../lib/changed-fields';
import { formIssues } from '../../lib/form-issues';
import { formatBytes, formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { type CrewBasics, CrewBasicsFields, crewBasicsRequest } from './crew-basics-fields';
import { limitIssues } from './crew-limits';

function basicsOf(crew: Crew): CrewBasics {
  return {
    name: crew.name,
    description: crew.description,
    runtime_image: crew.runtime_image,
    memory_mb: String(crew.memory_mb),
    cpus: String(crew.cpus),
  };
}

function ReadOnlySettings({ crew }: { crew: Crew }) {
  return (
    <DetailList
      items={[
        ['Description', crew.description || '—'],
        ['Runtime image', crew.runtime_image],
        ['Memory', formatBytes(crew.memory_mb * 1024 * 1024)],
        ['CPUs', String(crew.cpus)],
        ['Created', formatTime(crew.created_at)],
      ]}
    />
  );
}

/** Name, description, image and resource limits; Managers edit them. */
export function CrewSettingsCard({ crew }: { crew: Crew }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canEdit = useCan('MANAGER');
  const [form, setForm] = useState(() => basicsOf(crew));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (input: Parameters<typeof api.crews.update>[1]) => api.crews.update(crew.id, input),
    onSuccess: async (updated) => {
      setForm(basicsOf(updated));
      await queryClient.invalidateQueries({ queryKey: ['crews'] });
      toast('Crew saved');
    },
  });
  const changes = changedFields(crewBasicsRequest(form), crewBasicsRequest(basicsOf(crew)));
  const dirty = Object.keys(changes).length > 0;
  const errors = { ...fieldErrors(save.error), ...issues };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = updateCrewRequestSchema.safeParse(changes);
    setIssues({ ...formIssues(parsed.error), ...limitIssues(changes) });
    if (parsed.success) save.mutate(changes);
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
        <CardDescription>
          A new image or new limits apply when the container next starts (it is recreated).
        </CardDescription>
      </CardHeader>
      <CardContent>
        {canEdit ? (
          <form className="grid grid-cols-1 gap-4" noValidate onSubmit={submit}>
            <CrewBasicsFields value={form} onChange={setForm} errors={errors} />
            <FormError error={save.error} />
            <FormActions
              label="Save crew"
              pending={save.isPending}
              dirty={dirty}
              onDiscard={() => {
                setForm(basicsOf(crew));
                setIssues({});
              }}
            />
          </form>
        ) : (
          <ReadOnlySettings crew={crew} />
        )}
      </CardContent>
    </Card>
  );
}
