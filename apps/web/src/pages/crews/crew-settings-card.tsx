import { type Crew, updateCrewRequestSchema } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { formatBytes, formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { type CrewBasics, CrewBasicsFields, crewBasicsRequest } from './crew-basics-fields';
import { limitIssues } from './crew-limits';
import { formIssues } from './form-issues';

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
  const rows: [string, string][] = [
    ['Description', crew.description || '—'],
    ['Runtime image', crew.runtime_image],
    ['Memory', formatBytes(crew.memory_mb * 1024 * 1024)],
    ['CPUs', String(crew.cpus)],
    ['Created', formatTime(crew.created_at)],
  ];
  return (
    <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
      {rows.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="font-medium">{label}</dt>
          <dd className="break-words text-muted-foreground">{value}</dd>
        </div>
      ))}
    </dl>
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
  const request = crewBasicsRequest(form);
  const original = crewBasicsRequest(basicsOf(crew));
  const changes = Object.fromEntries(
    Object.entries(request).filter(([key, value]) => original[key as keyof typeof original] !== value),
  );
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
            {save.error && Object.keys(fieldErrors(save.error)).length === 0 ? (
              <ErrorNotice error={save.error} />
            ) : null}
            <div className="flex flex-wrap gap-2">
              <Button type="submit" disabled={!dirty || save.isPending}>
                Save crew
              </Button>
              {dirty ? (
                <Button
                  variant="ghost"
                  onClick={() => {
                    setForm(basicsOf(crew));
                    setIssues({});
                  }}
                >
                  Discard changes
                </Button>
              ) : null}
            </div>
          </form>
        ) : (
          <ReadOnlySettings crew={crew} />
        )}
      </CardContent>
    </Card>
  );
}
