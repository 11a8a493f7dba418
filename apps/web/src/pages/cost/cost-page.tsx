import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/ui/feedback';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { useRunStatusChanges } from '../../lib/use-run-status-changes';
import { useSetSearchParam } from '../../lib/use-set-search-param';
import { BudgetsPanel } from './budgets-panel';
import { LedgerPanel } from './ledger-panel';
import { PricesPanel } from './prices-panel';
import { SpendSummary } from './spend-summary';

const TABS = [
  { value: 'spend', label: 'Spend' },
  { value: 'ledger', label: 'Ledger' },
  { value: 'budgets', label: 'Budgets' },
  { value: 'prices', label: 'Prices' },
] as const;
type Tab = (typeof TABS)[number]['value'];

/** What LLM calls cost (summary, ledger), the budgets that cap it and the prices behind it. */
export function CostPage() {
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const setParam = useSetSearchParam();
  const tab: Tab = TABS.find((candidate) => candidate.value === params.get('tab'))?.value ?? 'spend';
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['paymaster'] });
    void queryClient.invalidateQueries({ queryKey: ['budgets'] });
  };
  useRunStatusChanges(refresh);

  return (
    <>
      <PageHeader
        title="Cost and budgets"
        description="What the workspace's model calls cost, the limits on that spend, and the prices behind it."
      />
      <Tabs value={tab} onValueChange={(value) => setParam('tab', value)}>
        <TabsList aria-label="Cost views">
          {TABS.map((option) => (
            <TabsTrigger key={option.value} value={option.value}>
              {option.label}
            </TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="spend">
          <SpendSummary />
        </TabsContent>
        <TabsContent value="ledger">
          <LedgerPanel />
        </TabsContent>
        <TabsContent value="budgets">
          <BudgetsPanel />
        </TabsContent>
        <TabsContent value="prices">
          <PricesPanel />
        </TabsContent>
      </Tabs>
    </>
  );
}
