import type { Budget } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Badge, type BadgeVariant } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/confirm-dialog';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatNumber, formatUsd } from '../../lib/format';
import { useApi, useCan, useSession } from '../../lib/session';
import { type Directory, useDirectory } from '../../lib/use-directory';
import { BudgetDialog } from './budget-dialog';
import { BudgetProgress } from './budget-progress';
import { type BudgetState, budgetUsage } from './budget-usage';

const STATE_VARIANTS: Record<BudgetState, BadgeVariant> = {
  ok: 'success',
  warning: 'warning',
  exceeded: 'destructive',
  blocked: 'destructive',
};

const WINDOW_NAMES = { day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;

function targetName(budget: Budget, directory: Directory, workspaceName: string): string {
  if (budget.scope === 'crew') return directory.crewName(budget.scope_id);
  if (budget.scope === 'agent') return directory.agentName(budget.scope_id);
  return workspaceName;
}

/** Spending limits with their current window's spend; Admins set, edit and delete them. */
export function BudgetsPanel() {
  const api = useApi();
  const { workspace } = useSession();
  const canEdit = useCan('ADMIN');
  const queryClient = useQueryClient();
  const toast = useToast();
  const directory = useDirectory();
  const budgets = useQuery({ queryKey: ['budgets', 'list'], queryFn: () => api.budgets.list() });
  const setBudgetId = useId();
  const describe = (budget: Budget) =>
    `${budget.scope} ${targetName(budget, directory, workspace.name)}, ${WINDOW_NAMES[budget.window].toLowerCase()}`;

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="max-w-2xl text-sm text-muted-foreground">
          A hard budget blocks the next model call once the window has spent its limit; a soft one only warns
          (at 80 %). Windows start at midnight UTC, on Mondays, or on the 1st of the month.
        </p>
        {canEdit ? (
          <BudgetDialog
            budget={null}
            directory={directory}
            trigger={<Button id={setBudgetId}>Set budget</Button>}
          />
        ) : null}
      </div>
      {budgets.isPending ? <Spinner label="Loading budgets" /> : null}
      {budgets.isError ? <ErrorNotice error={budgets.error} /> : null}
      {budgets.data && budgets.data.length === 0 ? (
        <EmptyState title="No budgets yet">
          {canEdit
            ? 'Set a budget to cap what the workspace, a crew or an agent may spend per day, week or month.'
            : 'An Admin can set budgets that cap what the workspace, a crew or an agent may spend.'}
        </EmptyState>
      ) : null}
      {budgets.data && budgets.data.length > 0 ? (
        <Table>
          <caption className="sr-only">Budgets</caption>
          <THead>
            <Tr>
              <Th>Scope</Th>
              <Th>Window</Th>
              <Th>Limit</Th>
              <Th>Mode</Th>
              <Th>Spent this window</Th>
              <Th>State</Th>
              {canEdit ? <Th className="text-right">Actions</Th> : null}
            </Tr>
          </THead>
          <TBody>
            {budgets.data.map((budget) => {
              const { state } = budgetUsage(budget);
              return (
                <Tr key={budget.id}>
                  <Td className="whitespace-nowrap">
                    <span className="block text-xs text-muted-foreground capitalize">{budget.scope}</span>
                    <span className="font-medium">{targetName(budget, directory, workspace.name)}</span>
                  </Td>
                  <Td>{WINDOW_NAMES[budget.window]}</Td>
                  <Td className="whitespace-nowrap tabular-nums">
                    {[
                      budget.limit_usd === null ? null : formatUsd(budget.limit_usd),
                      budget.limit_tokens === null ? null : `${formatNumber(budget.limit_tokens)} tokens`,
                    ]
                      .filter(Boolean)
                      .join(' and ')}
                  </Td>
                  <Td>
                    <Badge variant={budget.mode === 'hard' ? 'default' : 'secondary'}>{budget.mode}</Badge>
                  </Td>
                  <Td>
                    <div className="grid gap-2">
                      {budget.limit_usd !== null ? (
                        <BudgetProgress
                          name={`Dollars spent, ${describe(budget)} budget`}
                          spent={budget.spent_usd}
                          limit={budget.limit_usd}
                          format={formatUsd}
                        />
                      ) : null}
                      {budget.limit_tokens !== null ? (
                        <BudgetProgress
                          name={`Tokens spent, ${describe(budget)} budget`}
                          spent={budget.spent_tokens}
                          limit={budget.limit_tokens}
                          format={(value) => `${formatNumber(value)} tokens`}
                        />
                      ) : null}
                    </div>
                  </Td>
                  <Td>
                    <Badge variant={STATE_VARIANTS[state]}>{state}</Badge>
                  </Td>
                  {canEdit ? (
                    <Td className="text-right whitespace-nowrap">
                      <div className="flex justify-end gap-2">
                        <BudgetDialog
                          budget={budget}
                          directory={directory}
                          trigger={
                            <Button
                              size="sm"
                              variant="outline"
                              aria-label={`Edit budget: ${describe(budget)}`}
                            >
                              Edit
                            </Button>
                          }
                        />
                        <ConfirmDialog
                          title="Delete budget?"
                          description={`The ${describe(budget)} budget stops limiting spend. Spend already recorded stays in the ledger.`}
                          confirmLabel="Delete budget"
                          pendingLabel="Deleting…"
                          onConfirm={() => api.budgets.delete(budget.id)}
                          onDone={async () => {
                            toast('Budget deleted');
                            await queryClient.invalidateQueries({ queryKey: ['budgets'] });
                            document.getElementById(setBudgetId)?.focus();
                          }}
                          trigger={
                            <Button
                              size="sm"
                              variant="ghost"
                              className="text-destructive"
                              aria-label={`Delete budget: ${describe(budget)}`}
                            >
                              Delete
                            </Button>
                          }
                        />
                      </div>
                    </Td>
                  ) : null}
                </Tr>
              );
            })}
          </TBody>
        </Table>
      ) : null}
    </div>
  );
}
