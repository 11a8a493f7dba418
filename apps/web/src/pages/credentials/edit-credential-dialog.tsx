import type { Credential } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { ErrorNotice } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';
import { parsePriority } from './credential-labels';

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
          <Field
            label="Priority"
            error={errors.priority}
            hint="Higher is used first; equal priorities take turns."
          >
            <Input
              type="number"
              inputMode="numeric"
              min={-1000}
              max={1000}
              step={1}
              value={form.priority}
              onChange={(event) => setForm({ ...form, priority: event.target.value })}
            />
          </Field>
          {update.error && Object.keys(fieldErrors(update.error)).length === 0 ? (
            <ErrorNotice error={update.error} />
          ) : null}
          <div className="flex flex-wrap justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={update.isPending}>
              {update.isPending ? 'Saving…' : 'Save changes'}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
