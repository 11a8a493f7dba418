import type { Credential } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { ErrorNotice } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';
import { useSecretInput } from './use-secret-input';

/** Replaces a credential's value; like the add dialog, the value lives only in the uncontrolled field. */
export function RotateCredentialDialog({ credential }: { credential: Credential }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [missing, setMissing] = useState(false);
  const secret = useSecretInput();
  const rotate = useMutation({
    gcTime: 0,
    mutationFn: () => api.credentials.rotate(credential.id, secret.read()),
    onSuccess: async (updated) => {
      await queryClient.invalidateQueries({ queryKey: ['credentials'] });
      toast(`Credential ${updated.name} rotated`);
      close(false);
    },
  });
  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      setMissing(false);
      secret.clear();
      rotate.reset();
    }
  }
  const error = missing ? 'Paste the new value.' : fieldErrors(rotate.error).value;
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Rotate ${credential.name}`}>
          Rotate
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Rotate ${credential.name}`}
        description="The new value replaces the old one for every agent at once. It is never shown again."
      >
        <form
          ref={secret.formRef}
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const empty = !secret.read().trim();
            setMissing(empty);
            if (!empty) rotate.mutate();
          }}
        >
          <Field label="New value" error={error}>
            <Input name="value" type="password" autoComplete="off" spellCheck={false} required />
          </Field>
          {rotate.error && !fieldErrors(rotate.error).value ? <ErrorNotice error={rotate.error} /> : null}
          <DialogFooter label="Rotate value" pendingLabel="Rotating…" pending={rotate.isPending} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
