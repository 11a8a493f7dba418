import type { Credential } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';
import { parsePriority } from './credential-labels';
import { PriorityField } from './priority-field';

/** Renames a credential or changes its priority. */
export function EditCredentialDialog({ credential }: { credential: Credential }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const initial = { name: credential.name, priority: String(credential.priority) };
  const [form, setForm] = useState(initial);
  const [local, setLocal] = useState<Record<string, string>>({});
  const update = useMutation({
    mutationFn: () => {
      const name = form.name.trim();
      const priority = parsePriority(form.priority) ?? credential.priority;
      return api.credentials.update(credential.id, {
        ...(name !== credential.name ? { name } : {}),
        ...(priority !== credential.priority ? { priority } : {}),
      });
    },
    onSuccess: async (updated) => {
      await queryClient.invalidateQueries({ queryKey: ['credentials'] });
      toast(`Credential ${updated.name} saved`);
      setOpen(false);
    },
  });
  const submit = () => {
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Give the credential a name.';
    if (parsePriority(form.priority) === null) problems.priority = 'A whole number from -1000 to 1000.';
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    if (form.name.trim() === credential.name && Number(form.priority) === credential.priority) {
      setOpen(false);
      return;
    }
    update.mutate();
  };
  const errors = { ...fieldErrors(update.error), ...local };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setForm(initial);
          setLocal({});
          update.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Edit ${credential.name}`}>
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent title={`Edit ${credential.name}`}>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Field label="Name" error={errors.name}>
            <Input value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
          </Field>
          <PriorityField
            value={form.priority}
            onChange={(priority) => setForm({ ...form, priority })}
            error={errors.priority}
          />
          <FormError error={update.error} />
          <DialogFooter label="Save changes" pendingLabel="Saving…" pending={update.isPending} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
