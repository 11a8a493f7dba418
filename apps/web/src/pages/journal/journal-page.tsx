import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/ui/feedback';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { useSetSearchParam } from '../../lib/use-set-search-param';
import { JournalFiltersForm } from './journal-filters-form';
import { RunsTab } from './runs-tab';
import { STATS_WINDOWS, StatsTab, type StatsWindow } from './stats-tab';
import { TimelineTab } from './timeline-tab';
import { useJournalFilters } from './use-journal-filters';
import { VerifyButton } from './verify-button';

const TABS = ['timeline', 'runs', 'stats'] as const;
type Tab = (typeof TABS)[number];

/** The audit journal: a searchable live timeline, the runs it records and their statistics. */
export function JournalPage() {
  const [params] = useSearchParams();
  const setParam = useSetSearchParam();
  const { filters, setFilters } = useJournalFilters();
  const tab: Tab = TABS.find((candidate) => candidate === params.get('tab')) ?? 'timeline';
  const period =
    (Object.keys(STATS_WINDOWS) as StatsWindow[]).find((key) => key === params.get('window')) ?? '7d';

  return (
    <>
      <PageHeader
        title="Journal"
        description="Everything agents and people did in this workspace, hash-chained and searchable."
        actions={<VerifyButton />}
      />
      <Tabs value={tab} onValueChange={(value) => setParam('tab', value === 'timeline' ? null : value)}>
        <TabsList aria-label="Journal views">
          <TabsTrigger value="timeline">Timeline</TabsTrigger>
          <TabsTrigger value="runs">Runs</TabsTrigger>
          <TabsTrigger value="stats">Stats</TabsTrigger>
        </TabsList>
        <TabsContent value="timeline">
          <JournalFiltersForm filters={filters} onChange={setFilters} />
          <TimelineTab
            key={JSON.stringify(filters)}
            filters={filters}
            onFilterRun={(run) => setFilters({ run })}
          />
        </TabsContent>
        <TabsContent value="runs">
          <JournalFiltersForm filters={filters} onChange={setFilters} />
          <RunsTab filters={filters} />
        </TabsContent>
        <TabsContent value="stats">
          <StatsTab
            period={period}
            onPeriodChange={(value) => setParam('window', value === '7d' ? null : value)}
          />
        </TabsContent>
      </Tabs>
    </>
  );
}
