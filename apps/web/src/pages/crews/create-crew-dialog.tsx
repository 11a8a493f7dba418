import { createCrewRequestSchema, NETWORK_MODES, type NetworkMode, slugify } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { ErrorNotice } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input, Select } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { formIssues } from '../../lib/form-issues';
import { useApi } from '../../lib/session';
import { CrewBasicsFields, crewBasicsRequest, EMPTY_CREW_BASICS } from './crew-basics-fields';
import { limitIssues, NETWORK_MODE_LABELS } from './crew-limits';
import { DomainListEditor } from './domain-list-editor';

const EMPTY = {
  basics: EMPTY_CREW_BASICS,
  slug: '',
  network_mode: 'restricted' as NetworkMode,
  allowed_domains: [] as string[],
};

/** "Create crew": a trigger button and its dialog (Manager and up). */
export function CreateCrewDialog() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (input: Parameters<typeof api.crews.create>[0]) => api.crews.create(input),
    onSuccess: async (crew) => {
      await queryClient.invalidateQueries({ queryKey: ['crews'] });
      toast(`Crew ${crew.name} created`);
      setOpen(false);
    },
  });
  const errors = { ...fieldErrors(create.error), ...issues };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = {
      ...crewBasicsRequest(form.basics),
      ...(form.slug.trim() ? { slug: form.slug.trim() } : {}),
      network_mode: form.network_mode,
      allowed_domains: form.allowed_domains,
    };
    const parsed = createCrewRequestSchema.safeParse(request);
    const found = { ...formIssues(parsed.error), ...limitIssues(request) };
    setIssues(found);
    if (!parsed.success) return;
    create.mutate(request);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setForm(EMPTY);
          setIssues({});
          create.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden="true" />
          Create crew
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Create crew"
        description="A crew shares one container; its agents work side by side in it."
      >
        <form className="grid grid-cols-1 gap-4" noValidate onSubmit={submit}>
          <CrewBasicsFields
            value={form.basics}
            onChange={(basics) => setForm({ ...form, basics })}
            errors={errors}
            afterName={
              <Field
                label="Slug"
                hint={`Optional. Used in URLs and paths; default: ${slugify(form.basics.name || 'crew')}`}
                error={errors.slug}
              >
                <Input
                  value={form.slug}
                  maxLength={48}
                  autoCapitalize="none"
                  spellCheck={false}
                  placeholder={slugify(form.basics.name || 'crew')}
                  onChange={(event) => setForm({ ...form, slug: event.target.value })}
                />
              </Field>
            }
          />
          <Field
            label="Network mode"
            hint="Restricted: only the model providers and the allowed domains below."
            error={errors.network_mode}
          >
            <Select
              value={form.network_mode}
              onChange={(event) => setForm({ ...form, network_mode: event.target.value as NetworkMode })}
            >
              {NETWORK_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {NETWORK_MODE_LABELS[mode] ?? mode}
                </option>
              ))}
            </Select>
          </Field>
          <DomainListEditor
            domains={form.allowed_domains}
            onChange={(allowed_domains) => setForm({ ...form, allowed_domains })}
            error={errors.allowed_domains}
          />
          <FormError error={create.error} />
          {issues[''] ? <ErrorNotice error={issues['']} /> : null}
          <DialogFooter label="Create crew" pending={create.isPending} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
