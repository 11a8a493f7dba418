import { SLUG_PATTERN } from '@crewship/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Field } from '../../components/ui/field';
import { FormActions } from '../../components/ui/form-actions';
import { FormError } from '../../components/ui/form-error';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useCan, useSession } from '../../lib/session';
import { CreateWorkspaceDialog } from './create-workspace-dialog';

const SLUG_HINT = '1-48 lowercase letters, digits and dashes, starting and ending with a letter or digit.';

function RenameWorkspaceForm() {
  const { api, workspace, refresh } = useSession();
  const toast = useToast();
  const [form, setForm] = useState({ name: workspace.name, slug: workspace.slug });
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      api.workspaces.update(workspace.id, {
        ...(form.name.trim() !== workspace.name ? { name: form.name.trim() } : {}),
        ...(form.slug.trim() !== workspace.slug ? { slug: form.slug.trim() } : {}),
      }),
    onSuccess: async (updated) => {
      await refresh();
      toast(`Workspace saved as ${updated.name}`);
    },
  });
  const unchanged = form.name.trim() === workspace.name && form.slug.trim() === workspace.slug;
  const submit = () => {
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Give the workspace a name.';
    if (!SLUG_PATTERN.test(form.slug.trim())) problems.slug = SLUG_HINT;
    setLocal(problems);
    if (Object.keys(problems).length === 0 && !unchanged) save.mutate();
  };
  const errors = { ...fieldErrors(save.error), ...local };
  return (
    <form
      className="grid gap-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <Field label="Workspace name" error={errors.name}>
          <Input value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
        </Field>
        <Field
          label="Slug"
          error={errors.slug}
          hint="Lowercase letters, digits and dashes; used by the CLI (--workspace)."
        >
          <Input
            value={form.slug}
            spellCheck={false}
            onChange={(event) => setForm({ ...form, slug: event.target.value })}
          />
        </Field>
      </div>
      <FormError error={save.error} />
      <FormActions
        label="Save workspace"
        pendingLabel="Saving…"
        pending={save.isPending}
        dirty={!unchanged}
      />
    </form>
  );
}

/** The current workspace's name and slug (Admins rename it) and creating another workspace. */
export function WorkspaceCard() {
  const { workspace } = useSession();
  const admin = useCan('ADMIN');
  return (
    <Card>
      <CardHeader>
        <CardTitle>Workspace</CardTitle>
        <CardDescription>
          Your role here: {workspace.role.charAt(0) + workspace.role.slice(1).toLowerCase()}.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {admin ? (
          <RenameWorkspaceForm key={`${workspace.id}:${workspace.name}:${workspace.slug}`} />
        ) : (
          <dl className="grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
            <dt className="text-muted-foreground">Name</dt>
            <dd>{workspace.name}</dd>
            <dt className="text-muted-foreground">Slug</dt>
            <dd className="font-mono">{workspace.slug}</dd>
          </dl>
        )}
        <div className="border-t pt-4">
          <CreateWorkspaceDialog />
        </div>
      </CardContent>
    </Card>
  );
}
