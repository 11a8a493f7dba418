import {
  BUDGET_MODES,
  BUDGET_SCOPES,
  BUDGET_WINDOWS,
  type Budget,
  type BudgetMode,
  type BudgetScope,
  type BudgetWindow,
  type SetBudgetRequest,
} from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactElement, useState } from 'react';
import { Dialog, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { DialogFooter } from '../../components/ui/dialog-footer';
import { Field } from '../../components/ui/field';
import { FormError } from '../../components/ui/form-error';
import { Input, Select } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { fieldErrors } from '../../lib/api';
import { useApi } from '../../lib/session';
import type { Directory } from '../../lib/use-directory';

const SCOPE_LABELS: Record<BudgetScope, string> = { workspace: 'Workspace', crew: 'Crew', agent: 'Agent' };
const WINDOW_LABELS: Record<BudgetWindow, string> = { day: 'Day', week: 'Week', month: 'Month' };
const MODE_LABELS: Record<BudgetMode, string> = {
  hard: 'Hard: block model calls at the limit',
  soft: 'Soft: warn at 80 %, never block',
};

/** Sets a new budget, or changes the limits and mode of `budget` (its scope and window stay); `trigger` opens it. */
export function BudgetDialog(props: { budget: Budget | null; directory: Directory; trigger: ReactElement }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent
        title={props.budget ? 'Edit budget' : 'Set budget'}
        description="Limit dollars, tokens or both; the newest setting for a scope and window replaces the old one."
      >
        <BudgetForm budget={props.budget} directory={props.directory} onDone={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function BudgetForm({
  budget,
  directory,
  onDone,
}: {
  budget: Budget | null;
  directory: Directory;
  onDone: () => void;
}) {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<BudgetScope>(budget?.scope ?? 'workspace');
  const [target, setTarget] = useState(budget && budget.scope !== 'workspace' ? budget.scope_id : '');
  const [budgetWindow, setBudgetWindow] = useState<BudgetWindow>(budget?.window ?? 'month');
  const [mode, setMode] = useState<BudgetMode>(budget?.mode ?? 'hard');
  const [limitUsd, setLimitUsd] = useState(budget?.limit_usd?.toString() ?? '');
  const [limitTokens, setLimitTokens] = useState(budget?.limit_tokens?.toString() ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (input: SetBudgetRequest) => api.budgets.set(input),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['budgets'] });
      toast(budget ? 'Budget updated' : 'Budget set');
      onDone();
    },
  });
  const serverProblems = fieldErrors(save.error);
  const problem = (key: string) => problems[key] ?? serverProblems[key];
  const editing = budget !== null;
  const targets =
    scope === 'crew'
      ? directory.crews.map((crew) => ({ id: crew.id, name: crew.name }))
      : directory.agents.map((agent) => ({ id: agent.id, name: `${agent.name} (${agent.crew_slug})` }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    const usd = limitUsd.trim() === '' ? undefined : Number(limitUsd);
    const tokens = limitTokens.trim() === '' ? undefined : Number(limitTokens);
    if (scope !== 'workspace' && !target) next.scope_ref = `Choose the ${scope} this budget limits.`;
    if (usd !== undefined && !(Number.isFinite(usd) && usd >= 0))
      next.limit_usd = 'Enter an amount of 0 or more.';
    if (tokens !== undefined && !(Number.isInteger(tokens) && tokens >= 0)) {
      next.limit_tokens = 'Enter a whole number of 0 or more.';
    }
    if (usd === undefined && tokens === undefined)
      next.limit_usd = 'Give a dollar limit, a token limit or both.';
    setProblems(next);
    if (Object.keys(next).length > 0) return;
    save.mutate({
      scope,
      ...(scope === 'workspace' ? {} : { scope_ref: target }),
      window: budgetWindow,
      mode,
      ...(usd === undefined ? {} : { limit_usd: usd }),
      ...(tokens === undefined ? {} : { limit_tokens: tokens }),
    });
  };

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <Field
          label="Scope"
          hint={editing ? 'Scope and window stay; delete the budget to change them.' : undefined}
        >
          <Select
            value={scope}
            disabled={editing}
            onChange={(event) => {
              setScope(event.target.value as BudgetScope);
              setTarget('');
            }}
          >
            {BUDGET_SCOPES.map((option) => (
              <option key={option} value={option}>
                {SCOPE_LABELS[option]}
              </option>
            ))}
          </Select>
        </Field>
        {scope === 'workspace' ? null : (
          <Field label={SCOPE_LABELS[scope]} error={problem('scope_ref')}>
            <Select value={target} disabled={editing} onChange={(event) => setTarget(event.target.value)}>
              <option value="">Choose {scope === 'crew' ? 'a crew' : 'an agent'}…</option>
              {targets.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label="Window">
          <Select
            value={budgetWindow}
            disabled={editing}
            onChange={(event) => setBudgetWindow(event.target.value as BudgetWindow)}
          >
            {BUDGET_WINDOWS.map((option) => (
              <option key={option} value={option}>
                {WINDOW_LABELS[option]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Mode">
          <Select value={mode} onChange={(event) => setMode(event.target.value as BudgetMode)}>
            {BUDGET_MODES.map((option) => (
              <option key={option} value={option}>
                {MODE_LABELS[option]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Limit (USD)" hint="Leave empty for no dollar limit." error={problem('limit_usd')}>
          <Input
            type="number"
            inputMode="decimal"
            min={0}
            step="0.01"
            value={limitUsd}
            onChange={(event) => setLimitUsd(event.target.value)}
          />
        </Field>
        <Field
          label="Limit (tokens)"
          hint="Counts subscription use too. Leave empty for no token limit."
          error={problem('limit_tokens')}
        >
          <Input
            type="number"
            inputMode="numeric"
            min={0}
            step="1"
            value={limitTokens}
            onChange={(event) => setLimitTokens(event.target.value)}
          />
        </Field>
      </div>
      <FormError error={save.error} />
      <DialogFooter label="Save budget" pendingLabel="Saving…" pending={save.isPending} />
    </form>
  );
}
