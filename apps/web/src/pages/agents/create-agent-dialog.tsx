import { type Crew, createAgentRequestSchema } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { FormError } from '../../components/ui/form-error';
import { useToast } from '../../components/ui/toast';
import { errorMessage, fieldErrors } from '../../lib/api';
import { formIssues } from '../../lib/form-issues';
import { useApi, useCan } from '../../lib/session';
import { AgentFields, agentRequest, emptyAgentForm } from './agent-fields';
import { CredentialCheckboxes } from './credential-checkboxes';

/** "Create agent" (Manager and up); Admins also pick its credentials, assigned right after. */
export function CreateAgentDialog(props: { crews: Crew[]; defaultCrew?: string; defaultOpen?: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canAssign = useCan('ADMIN');
  const initialCrew = () => props.defaultCrew ?? (props.crews.length === 1 ? props.crews[0]?.slug : '') ?? '';
  const [open, setOpen] = useState(props.defaultOpen ?? false);
  const [form, setForm] = useState(() => emptyAgentForm(initialCrew()));
  const [selected, setSelected] = useState<string[]>([]);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const credentials = useQuery({
    queryKey: ['credentials'],
    queryFn: () => api.credentials.list(),
    enabled: open && canAssign,
  });
  const create = useMutation({
    mutationFn: async (input: ReturnType<typeof agentRequest>) => {
      const agent = await api.agents.create(input);
      const failed: string[] = [];
      for (const id of selected) {
        try {
          await api.credentials.assign(id, [agent.id]);
        } catch (error) {
          failed.push(errorMessage(error));
        }
      }
      return { agent, failed };
    },
    onSuccess: async ({ agent, failed }) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['agents'] }),
        queryClient.invalidateQueries({ queryKey: ['credentials'] }),
      ]);
      toast(`Agent ${agent.name} created`);
      for (const message of failed) toast(`A credential was not assigned: ${message}`, 'error');
      setOpen(false);
    },
  });
  const errors = { ...fieldErrors(create.error), ...issues };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = agentRequest(form);
    const parsed = createAgentRequestSchema.safeParse(request);
    const found = formIssues(parsed.error);
    if (!form.crew) found.crew = 'Choose a crew';
    setIssues(found);
    if (parsed.success && form.crew) create.mutate(request);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setForm(emptyAgentForm(initialCrew()));
          setSelected([]);
          setIssues({});
          create.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden="true" />
          Create agent
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Create agent"
        description="An agent is one agent CLI working in its crew's container."
      >
        <form className="grid grid-cols-1 gap-4" noValidate onSubmit={submit}>
          <AgentFields value={form} onChange={setForm} crews={props.crews} errors={errors} />
          {canAssign ? (
            <CredentialCheckboxes
              credentials={credentials.data}
              error={credentials.error}
              selected={selected}
              onChange={setSelected}
            />
          ) : null}
          <FormError error={create.error} />
          <DialogFooter label="Create agent" pending={create.isPending} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
