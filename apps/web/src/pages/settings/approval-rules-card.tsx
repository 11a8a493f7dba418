import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge } from '../../components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Textarea } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { useApi, useCan } from '../../lib/session';
import { RulesEditor } from './rules-editor';

const HINT =
  'A JSON list of rules, first match wins. Each has name, on (run_start | tool_use), mode (none | async | sync) and optional tool, input, host, agent, crew globs, cost_over_usd and timeout_seconds.';

/** The rules text typed by an Admin as the request body, or a message saying why it is not one. */
function parseRules(text: string): { rules: unknown[] } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  if (Array.isArray(value)) return { rules: value };
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (Array.isArray(rules)) return { rules };
  return 'Expected a JSON list of rules: [ { "name": …, "on": …, "mode": … } ]';
}

/** The workspace's approval rules: Admins edit them, everyone else reads them. */
export function ApprovalRulesCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const admin = useCan('ADMIN');
  const rules = useQuery({ queryKey: ['approvals', 'rules'], queryFn: () => api.approvals.rules() });
  const text = rules.data ? JSON.stringify(rules.data.rules, null, 2) : '';
  const save = async (edited: string) => {
    const body = parseRules(edited);
    if (typeof body === 'string') throw new Error(body);
    const saved = await api.approvals.setRules(body as Parameters<typeof api.approvals.setRules>[0]);
    toast(`Approval rules saved (${saved.rules.length})`);
    await queryClient.invalidateQueries({ queryKey: ['approvals', 'rules'] });
  };
  return (
    <Card>
      <CardHeader>
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle>Approval rules</CardTitle>
          {rules.data ? (
            <Badge variant="outline">
              {rules.data.source === 'default' ? 'built-in defaults' : 'workspace rules'}
            </Badge>
          ) : null}
        </div>
        <CardDescription>
          Which runs and tool calls wait for a person (sync), are only logged (async) or go ahead (none).
        </CardDescription>
      </CardHeader>
      <CardContent>
        {rules.isPending ? <Spinner /> : null}
        {rules.error ? <ErrorNotice error={rules.error} /> : null}
        {rules.data && admin ? (
          <RulesEditor
            key={text}
            label="Approval rules (JSON)"
            hint={HINT}
            initial={text}
            rows={14}
            saveLabel="Save approval rules"
            check={(edited) => {
              const body = parseRules(edited);
              return typeof body === 'string' ? body : undefined;
            }}
            onSave={save}
          />
        ) : null}
        {rules.data && !admin ? (
          <Field label="Approval rules (JSON)" hint="Only Admins can change them.">
            <Textarea readOnly rows={12} spellCheck={false} className="font-mono text-xs" value={text} />
          </Field>
        ) : null}
      </CardContent>
    </Card>
  );
}
