import type { Agent, Credential } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { EmptyState, ErrorNotice } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { useApi } from '../../lib/session';

/** Chooses the agents a credential is assigned to; saving assigns the new ones and unassigns the rest. */
export function AssignCredentialDialog({ credential, agents }: { credential: Credential; agents: Agent[] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(credential.agent_ids));
  const save = useMutation({
    mutationFn: async () => {
      const before = new Set(credential.agent_ids);
      const added = [...chosen].filter((id) => !before.has(id));
      const removed = [...before].filter((id) => !chosen.has(id));
      if (added.length > 0) await api.credentials.assign(credential.id, added);
      if (removed.length > 0) await api.credentials.unassign(credential.id, removed);
    },
    onSuccess: () => {
      toast(`Assignments of ${credential.name} saved`);
      setOpen(false);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['credentials'] }),
  });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setChosen(new Set(credential.agent_ids));
          save.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Assign ${credential.name}`}>
          Assign
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Assign ${credential.name}`}
        description="Assigned agents use this credential for its provider. A credential assigned to no agent serves every agent that has none of its own."
      >
        {agents.length === 0 ? (
          <EmptyState title="No agents yet">
            Create an agent on the Agents page, then assign it here.
          </EmptyState>
        ) : (
          <fieldset className="grid gap-2">
            <legend className="mb-2 text-sm font-medium">Agents</legend>
            {agents.map((agent) => (
              <label key={agent.id} className="flex items-center gap-3 rounded-md border px-3 py-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  checked={chosen.has(agent.id)}
                  onChange={(event) => toggle(agent.id, event.target.checked)}
                />
                <span className="min-w-0 flex-1 truncate">{agent.name}</span>
                <span className="text-xs text-muted-foreground">{agent.crew_slug}</span>
              </label>
            ))}
          </fieldset>
        )}
        {save.error ? <ErrorNotice error={save.error} /> : null}
        <DialogFooter
          label="Save assignments"
          pendingLabel="Saving…"
          pending={save.isPending}
          disabled={agents.length === 0}
          onClick={() => save.mutate()}
        />
      </DialogContent>
    </Dialog>
  );
}
