import { PASSWORD_MIN_LENGTH } from '@crewship/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input } from '../../components/ui/input';
import { createApi, fieldErrors } from '../../lib/api';
import { AuthCard } from './auth-card';

/** First run: there is no account yet, so the first person creates the Owner and the first workspace. */
export function BootstrapPage({ onDone }: { onDone: () => Promise<void> }) {
  const [form, setForm] = useState({ name: '', email: '', password: '', workspace_name: 'Default' });
  const create = useMutation({
    mutationFn: async () => {
      const api = createApi();
      await api.bootstrap.create({
        email: form.email,
        password: form.password,
        workspace_name: form.workspace_name,
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
      });
      await api.auth.login({ email: form.email, password: form.password });
    },
    onSuccess: onDone,
  });
  const errors = fieldErrors(create.error);
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <AuthCard
      title="Set up Crewship"
      description="No account exists yet. Create the Owner account and your first workspace."
      onSubmit={() => create.mutate()}
    >
      <Field label="Your name">
        <Input autoComplete="name" value={form.name} onChange={set('name')} />
      </Field>
      <Field label="Email" error={errors.email}>
        <Input type="email" autoComplete="email" required value={form.email} onChange={set('email')} />
      </Field>
      <Field label="Password" hint={`At least ${PASSWORD_MIN_LENGTH} characters.`} error={errors.password}>
        <Input
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
        />
      </Field>
      <Field label="Workspace name" error={errors.workspace_name}>
        <Input required value={form.workspace_name} onChange={set('workspace_name')} />
      </Field>
      <FormError error={create.error} />
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create Owner account'}
      </Button>
    </AuthCard>
  );
}
