import {
  CREDENTIAL_PROVIDERS,
  CREDENTIAL_TYPES,
  type CredentialProvider,
  type CredentialType,
} from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input, Select } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';
import { parsePriority, TYPE_LABELS } from './credential-labels';
import { PriorityField } from './priority-field';
import { useSecretInput } from './use-secret-input';

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
  const secret = useSecretInput();
  const create = useMutation({
    gcTime: 0,
    mutationFn: () =>
      api.credentials.create({
        name: form.name.trim(),
        provider: form.provider,
        type: form.type,
        priority: parsePriority(form.priority) ?? 0,
        value: secret.read(),
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
      secret.clear();
      create.reset();
    }
  }
  const submit = () => {
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Give the credential a name.';
    if (!secret.read().trim()) problems.value = 'Paste the secret value.';
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
          ref={secret.formRef}
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
          <PriorityField
            value={form.priority}
            onChange={(priority) => setForm({ ...form, priority })}
            error={errors.priority}
          />
          <FormError error={create.error} />
          <DialogFooter label="Add credential" pendingLabel="Adding…" pending={create.isPending} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
