import {
  BUDGET_WINDOWS,
  type BudgetWindow,
  PAYMASTER_GROUPINGS,
  type PaymasterSummary,
} from '@crewship/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Select } from '../../components/ui/input';
import { useApi } from '../../lib/session';
import { useSetSearchParam } from '../../lib/use-set-search-param';
import { GROUPING_LABELS, type Grouping, type Measure, WINDOW_LABELS } from './cost-labels';
import { SpendBreakdown } from './spend-breakdown';
import { SpendTotals } from './spend-totals';

const pick = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

/** What the current day, week or month cost, with totals, a chart and the same numbers as a table. */
export function SpendSummary() {
  const api = useApi();
  const [params] = useSearchParams();
  const update = useSetSearchParam();
  const budgetWindow = pick<BudgetWindow>(params.get('window'), BUDGET_WINDOWS, 'month');
  const by = pick<Grouping>(params.get('by'), PAYMASTER_GROUPINGS, 'agent');
  const chosenMeasure = params.get('measure') as Measure | null;
  const summary = useQuery({
    queryKey: ['paymaster', 'summary', { by, window: budgetWindow }],
    queryFn: () => api.paymaster.summary({ by, window: budgetWindow }),
    placeholderData: keepPreviousData,
  });
  const measure: Measure =
    chosenMeasure === 'cost' || chosenMeasure === 'tokens' ? chosenMeasure : defaultMeasure(summary.data);

  return (
    <div className="grid gap-4">
      <div className="grid gap-3 sm:grid-cols-3 sm:max-w-2xl">
        <Field label="Window">
          <Select value={budgetWindow} onChange={(event) => update('window', event.target.value)}>
            {BUDGET_WINDOWS.map((option) => (
              <option key={option} value={option}>
                {WINDOW_LABELS[option]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Group by">
          <Select value={by} onChange={(event) => update('by', event.target.value)}>
            {PAYMASTER_GROUPINGS.map((option) => (
              <option key={option} value={option}>
                {GROUPING_LABELS[option]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Chart shows">
          <Select value={measure} onChange={(event) => update('measure', event.target.value)}>
            <option value="cost">Cost (USD)</option>
            <option value="tokens">Tokens</option>
          </Select>
        </Field>
      </div>
      {summary.isPending ? <Spinner label="Loading spend" /> : null}
      {summary.isError ? <ErrorNotice error={summary.error} /> : null}
      {summary.data ? (
        <>
          <SpendTotals summary={summary.data} />
          <SpendBreakdown summary={summary.data} measure={measure} />
        </>
      ) : null}
    </div>
  );
}

function defaultMeasure(summary: PaymasterSummary | undefined): Measure {
  return summary && summary.total_usd === 0 && summary.total_tokens > 0 ? 'tokens' : 'cost';
}
