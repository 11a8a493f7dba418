import type { Credential } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { ErrorNotice } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';

/** Replaces a credential's value; like the add dialog, the value lives only in the uncontrolled field. */
export function RotateCredentialDialog({ credential }: { credential: Credential }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [missing, setMissing] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const valueInput = () => formRef.current?.elements.namedItem('value') as HTMLInputElement | null;
  const rotate = useMutation({
    gcTime: 0,
    mutationFn: () => api.credentials.rotate(credential.id, valueInput()?.value ?? ''),
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
      const input = valueInput();
      if (input) input.value = '';
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
          ref={formRef}
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const empty = !valueInput()?.value.trim();
            setMissing(empty);
            if (!empty) rotate.mutate();
          }}
        >
          <Field label="New value" error={error}>
            <Input name="value" type="password" autoComplete="off" spellCheck={false} required />
          </Field>
          {rotate.error && !fieldErrors(rotate.error).value ? <ErrorNotice error={rotate.error} /> : null}
          <div className="flex flex-wrap justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={rotate.isPending}>
              {rotate.isPending ? 'Rotating…' : 'Rotate value'}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
