import { useQuery } from '@tanstack/react-query';
import { Search, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Field } from '../../components/ui/field';
import { Input, Select } from '../../components/ui/input';
import { useApi } from '../../lib/session';
import { shortId } from '../../lib/short-id';
import type { JournalFilters } from './use-journal-filters';

const TYPE_OPTIONS = [
  ['', 'All types'],
  ['run.*', 'Runs (run.*)'],
  ['agent.*', 'Agent activity (agent.*)'],
  ['llm.*', 'LLM calls (llm.*)'],
  ['approval.*', 'Approvals (approval.*)'],
  ['keeper.*', 'Keeper (keeper.*)'],
  ['cost.*', 'Cost (cost.*)'],
  ['budget.*', 'Budgets (budget.*)'],
  ['egress.*', 'Network egress (egress.*)'],
  ['gateway.*', 'Gateway (gateway.*)'],
] as const;

/** Full-text search (submitted with Enter or "Search") and the type, agent and crew filters. */
export function JournalFiltersForm(props: {
  filters: JournalFilters;
  onChange: (next: Partial<JournalFilters>) => void;
}) {
  const { filters, onChange } = props;
  const api = useApi();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const crews = useQuery({ queryKey: ['crews'], queryFn: () => api.crews.list() });
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  const typeKnown = TYPE_OPTIONS.some(([value]) => value === filters.type);
  const active = Boolean(filters.q || filters.type || filters.agent || filters.crew || filters.run);

  return (
    <div className="mb-4 grid gap-3">
      <search aria-label="Journal">
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            onChange({ q: text });
          }}
        >
          <Field
            label="Search journal"
            hint="Words match anywhere in the summary or payload; use quotes for a phrase, * for a prefix."
            className="min-w-0 flex-1 basis-64"
          >
            <Input
              type="search"
              value={text}
              maxLength={500}
              placeholder="e.g. approve-me, exit code, deploy*"
              onChange={(event) => setText(event.target.value)}
            />
          </Field>
          <div className="flex gap-2 pb-[1.375rem] max-sm:pb-0">
            <Button type="submit">
              <Search aria-hidden="true" />
              Search
            </Button>
            {active ? (
              <Button
                variant="outline"
                onClick={() => {
                  setText('');
                  onChange({ q: '', type: '', agent: '', crew: '', run: '' });
                }}
              >
                <X aria-hidden="true" />
                Clear filters
              </Button>
            ) : null}
          </div>
        </form>
      </search>
      <div className="grid grid-cols-3 gap-2 sm:gap-3">
        <Field label="Type">
          <Select value={filters.type} onChange={(event) => onChange({ type: event.target.value })}>
            {typeKnown ? null : <option value={filters.type}>{filters.type}</option>}
            {TYPE_OPTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Agent">
          <Select value={filters.agent} onChange={(event) => onChange({ agent: event.target.value })}>
            <option value="">All agents</option>
            {(agents.data ?? []).map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.slug} ({agent.crew_slug})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Crew">
          <Select value={filters.crew} onChange={(event) => onChange({ crew: event.target.value })}>
            <option value="">All crews</option>
            {(crews.data ?? []).map((crew) => (
              <option key={crew.id} value={crew.id}>
                {crew.slug}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {filters.run ? (
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span>
            Only entries of run{' '}
            <span className="font-mono" title={filters.run}>
              {shortId(filters.run)}
            </span>
          </span>
          <Button variant="outline" size="sm" onClick={() => onChange({ run: '' })}>
            <X aria-hidden="true" />
            Show all runs
          </Button>
        </p>
      ) : null}
    </div>
  );
}
