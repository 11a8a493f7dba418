import { isCrewshipError, PASSWORD_MIN_LENGTH, type Role } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
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
import { assignableRoles, roleLabel } from './assignable-roles';

const EMPTY = { email: '', role: 'MEMBER' as Role, name: '', password: '' };

/** Adds an existing user by email; when nobody uses that email yet, offers to create the account. */
export function AddMemberDialog({ actorRole }: { actorRole: Role }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [creating, setCreating] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const done = async (message: string) => {
    await queryClient.invalidateQueries({ queryKey: ['members'] });
    toast(message);
    change(false);
  };
  const add = useMutation({
    mutationFn: () => api.members.add({ email: form.email.trim(), role: form.role }),
    onSuccess: (member) => done(`${member.email} added as ${roleLabel(member.role)}`),
    onError: (error) => {
      if (isCrewshipError(error) && error.kind === 'not_found') setCreating(true);
    },
  });
  const create = useMutation({
    gcTime: 0,
    mutationFn: () =>
      api.users.create({
        email: form.email.trim(),
        password: form.password,
        role: form.role,
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
      }),
    onSuccess: (member) => done(`User ${member.email} created and added as ${roleLabel(member.role)}`),
  });
  function change(next: boolean) {
    setOpen(next);
    if (!next) {
      setForm(EMPTY);
      setCreating(false);
      setLocal({});
      add.reset();
      create.reset();
    }
  }
  const submit = () => {
    const problems: Record<string, string> = {};
    if (!/^\S+@\S+\.\S+$/.test(form.email.trim())) problems.email = 'Enter an email address.';
    if (creating && form.password.length < PASSWORD_MIN_LENGTH) {
      problems.password = `At least ${PASSWORD_MIN_LENGTH} characters.`;
    }
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    if (creating) create.mutate();
    else add.mutate();
  };
  const current = creating ? create : add;
  const errors = { ...fieldErrors(current.error), ...local };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  const notFound = isCrewshipError(add.error) && add.error.kind === 'not_found';
  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden="true" />
          Add member
        </Button>
      </DialogTrigger>
      <DialogContent
        title={creating ? 'Create user' : 'Add member'}
        description={
          creating
            ? 'Creates an account with this email and password and adds it to this workspace.'
            : 'Adds someone who already has a Crewship account to this workspace.'
        }
      >
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          {creating && notFound ? (
            <p role="status" className="rounded-md border bg-muted/50 p-3 text-sm">
              No account uses {form.email.trim()} yet. Set a name and a first password to create one; share
              the password with them privately.
            </p>
          ) : null}
          <Field label="Email" error={errors.email}>
            <Input type="email" autoComplete="off" required value={form.email} onChange={set('email')} />
          </Field>
          <Field label="Role" error={errors.role}>
            <Select value={form.role} onChange={set('role')}>
              {assignableRoles(actorRole).map((role) => (
                <option key={role} value={role}>
                  {roleLabel(role)}
                </option>
              ))}
            </Select>
          </Field>
          {creating ? (
            <>
              <Field label="Name" error={errors.name}>
                <Input autoComplete="off" value={form.name} onChange={set('name')} />
              </Field>
              <Field
                label="Password"
                hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
                error={errors.password}
              >
                <Input
                  type="password"
                  autoComplete="new-password"
                  required
                  value={form.password}
                  onChange={set('password')}
                />
              </Field>
            </>
          ) : null}
          {notFound ? null : <FormError error={current.error} />}
          <DialogFooter
            label={creating ? 'Create user' : 'Add member'}
            pendingLabel="Saving…"
            pending={current.isPending}
          >
            <Button
              variant="link"
              className="mr-auto px-0"
              onClick={() => {
                setCreating(!creating);
                add.reset();
                create.reset();
              }}
            >
              {creating ? 'Add an existing user instead' : 'New to Crewship? Create user'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
