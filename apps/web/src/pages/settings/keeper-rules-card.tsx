import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Textarea } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { formatRelative } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { IssueList } from './issue-list';

const EXAMPLE = `levels: [{ credential: "npm-*", level: 1 }]
rules:
  - { name: no-prod, action: deny, credential: "prod-*" }
  - { name: gh-read, action: allow, kind: execute, credential: "github-*", command: "gh api *" }`;

const HINT =
  'YAML: levels (1 low risk, 2 default, 3 high) and rules, first match wins; action is allow, deny, require_approval or escalate.';

function KeeperEditor({ initial }: { initial: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [yaml, setYaml] = useState(initial);
  const save = useMutation({
    mutationFn: () => api.keeper.setRules(yaml),
    onSuccess: async (saved) => {
      toast(`Keeper rules saved (${saved.rules} rules)`);
      await queryClient.invalidateQueries({ queryKey: ['keeper'] });
    },
  });
  return (
    <form
      className="grid gap-3"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <Field label="Keeper rules (YAML)" hint={HINT}>
        <Textarea
          rows={12}
          spellCheck={false}
          className="font-mono text-xs"
          placeholder={EXAMPLE}
          value={yaml}
          onChange={(event) => setYaml(event.target.value)}
        />
      </Field>
      {save.error ? <IssueList error={save.error} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={save.isPending || yaml === initial}>
          {save.isPending ? 'Saving…' : 'Save Keeper rules'}
        </Button>
        <Button variant="outline" disabled={yaml === initial} onClick={() => setYaml(initial)}>
          Discard changes
        </Button>
      </div>
    </form>
  );
}

/** Keeper's YAML policy for agents asking to use a credential: Admins edit, Members and up read. */
export function KeeperRulesCard() {
  const api = useApi();
  const admin = useCan('ADMIN');
  const rules = useQuery({ queryKey: ['keeper', 'rules'], queryFn: () => api.keeper.rules() });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Keeper rules</CardTitle>
        <CardDescription>
          {rules.data
            ? `${rules.data.rules} ${rules.data.rules === 1 ? 'rule' : 'rules'}${rules.data.updated_at ? `, changed ${formatRelative(rules.data.updated_at)}` : ', none set yet'}. `
            : ''}
          When an agent asks for a credential or to run a command with one, the first matching rule decides;
          without a match the judge model does, and without a judge the request is denied.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {rules.isPending ? <Spinner /> : null}
        {rules.error ? <ErrorNotice error={rules.error} /> : null}
        {rules.data && admin ? <KeeperEditor key={rules.data.yaml} initial={rules.data.yaml} /> : null}
        {rules.data && !admin ? (
          <Field label="Keeper rules (YAML)" hint="Only Admins can change them.">
            <Textarea
              readOnly
              rows={10}
              spellCheck={false}
              className="font-mono text-xs"
              value={rules.data.yaml || '# no rules yet'}
            />
          </Field>
        ) : null}
      </CardContent>
    </Card>
  );
}
