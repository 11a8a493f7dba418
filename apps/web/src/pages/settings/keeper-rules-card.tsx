import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Textarea } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { formatRelative } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { RulesEditor } from './rules-editor';

const EXAMPLE = `levels: [{ credential: "npm-*", level: 1 }]
rules:
  - { name: no-prod, action: deny, credential: "prod-*" }
  - { name: gh-read, action: allow, kind: execute, credential: "github-*", command: "gh api *" }`;

const HINT =
  'YAML: levels (1 low risk, 2 default, 3 high) and rules, first match wins; action is allow, deny, require_approval or escalate.';

/** Keeper's YAML policy for agents asking to use a credential: Admins edit, Members and up read. */
export function KeeperRulesCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const admin = useCan('ADMIN');
  const rules = useQuery({ queryKey: ['keeper', 'rules'], queryFn: () => api.keeper.rules() });
  const save = async (yaml: string) => {
    const saved = await api.keeper.setRules(yaml);
    toast(`Keeper rules saved (${saved.rules} rules)`);
    await queryClient.invalidateQueries({ queryKey: ['keeper'] });
  };
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
        {rules.data && admin ? (
          <RulesEditor
            key={rules.data.yaml}
            label="Keeper rules (YAML)"
            hint={HINT}
            initial={rules.data.yaml}
            rows={12}
            placeholder={EXAMPLE}
            saveLabel="Save Keeper rules"
            onSave={save}
          />
        ) : null}
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
