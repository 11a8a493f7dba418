import { SLUG_PATTERN } from '@crewship/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useSession } from '../../lib/session';

/** Creates a workspace (the caller becomes its Owner) and switches to it. */
export function CreateWorkspaceDialog() {
  const { api, refresh, switchWorkspace } = useSession();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: '', slug: '' });
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      api.workspaces.create({
        name: form.name.trim(),
        ...(form.slug.trim() ? { slug: form.slug.trim() } : {}),
      }),
    onSuccess: async (workspace) => {
      await refresh();
      switchWorkspace(workspace.id);
      toast(`Workspace ${workspace.name} created; you are its Owner`);
      setOpen(false);
    },
  });
  const errors = { ...fieldErrors(create.error), ...local };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setForm({ name: '', slug: '' });
          setLocal({});
          create.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">Create workspace</Button>
      </DialogTrigger>
      <DialogContent
        title="Create workspace"
        description="A separate space with its own crews, credentials and members. You become its Owner."
      >
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const problems: Record<string, string> = {};
            if (!form.name.trim()) problems.name = 'Give the workspace a name.';
            if (form.slug.trim() && !SLUG_PATTERN.test(form.slug.trim())) {
              problems.slug =
                '1-48 lowercase letters, digits and dashes, starting and ending with a letter or digit.';
            }
            setLocal(problems);
            if (Object.keys(problems).length === 0) create.mutate();
          }}
        >
          <Field label="Name" error={errors.name}>
            <Input value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
          </Field>
          <Field label="Slug" error={errors.slug} hint="Optional; made from the name when empty.">
            <Input
              value={form.slug}
              spellCheck={false}
              onChange={(event) => setForm({ ...form, slug: event.target.value })}
            />
          </Field>
          <FormError error={create.error} />
          <DialogFooter label="Create workspace" pendingLabel="Creating…" pending={create.isPending} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
