import {
  CREDENTIAL_PROVIDERS,
  CREDENTIAL_TYPES,
  type CredentialProvider,
  type CredentialType,
} from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useRef, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { ErrorNotice } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Input, Select } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';
import { parsePriority, TYPE_LABELS } from './credential-labels';

const EMPTY = {
  name: '',
  provider: 'anthropic' as CredentialProvider,
  type: 'API_KEY' as CredentialType,
  priority: '0',
};

/**
 * The value field is uncontrolled on purpose: the secret never enters React state or a DOM attribute,
 * and it is gone with the dialog.
 */
export function AddCredentialDialog() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const valueInput = () => formRef.current?.elements.namedItem('value') as HTMLInputElement | null;
  const create = useMutation({
    gcTime: 0,
    mutationFn: () =>
      api.credentials.create({
        name: form.name.trim(),
        provider: form.provider,
        type: form.type,
        priority: parsePriority(form.priority) ?? 0,
        value: valueInput()?.value ?? '',
      }),
    onSuccess: async (credential) => {
      await queryClient.invalidateQueries({ queryKey: ['credentials'] });
      toast(`Credential ${credential.name} added`);
      close(false);
    },
  });
  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      setForm(EMPTY);
      setLocal({});
      const input = valueInput();
      if (input) input.value = '';
      create.reset();
    }
  }
  const submit = () => {
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Give the credential a name.';
    if (!valueInput()?.value.trim()) problems.value = 'Paste the secret value.';
    if (parsePriority(form.priority) === null) problems.priority = 'A whole number from -1000 to 1000.';
    setLocal(problems);
    if (Object.keys(problems).length === 0) create.mutate();
  };
  const errors = { ...fieldErrors(create.error), ...local };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden="true" />
          Add credential
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Add credential"
        description="The value is encrypted at rest and never shown again; only its last 4 characters are."
      >
        <form
          ref={formRef}
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Field label="Name" error={errors.name}>
            <Input value={form.name} onChange={set('name')} placeholder="anthropic-main" required />
          </Field>
          <div className="grid items-start gap-4 sm:grid-cols-2">
            <Field label="Provider" error={errors.provider}>
              <Select value={form.provider} onChange={set('provider')}>
                {CREDENTIAL_PROVIDERS.map((provider) => (
                  <option key={provider} value={provider}>
                    {provider}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Type" error={errors.type}>
              <Select value={form.type} onChange={set('type')}>
                {CREDENTIAL_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {TYPE_LABELS[type]}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <Field label="Value" error={errors.value} hint="Pasted whitespace around it is trimmed.">
            <Input name="value" type="password" autoComplete="off" spellCheck={false} required />
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
              onChange={set('priority')}
            />
          </Field>
          {create.error && Object.keys(fieldErrors(create.error)).length === 0 ? (
            <ErrorNotice error={create.error} />
          ) : null}
          <div className="flex flex-wrap justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? 'Adding…' : 'Add credential'}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
