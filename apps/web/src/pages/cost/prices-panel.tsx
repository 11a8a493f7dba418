import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useApi, useCan } from '../../lib/session';
import { PriceDialog } from './price-dialog';

const perMillion = (value: number) =>
  `$${value.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;

/** The rate card that prices every metered call; Admins set the workspace's own prices. */
export function PricesPanel() {
  const api = useApi();
  const canEdit = useCan('ADMIN');
  const rates = useQuery({ queryKey: ['paymaster', 'rates'], queryFn: () => api.paymaster.rates() });

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="max-w-2xl text-sm text-muted-foreground">
          Dollars per million tokens. A trailing <code>*</code> matches every model that starts with the rest;
          the longest match wins, and a workspace price wins over the shipped one. New prices apply to calls
          made after they are set.
        </p>
        {canEdit ? <PriceDialog rate={null} trigger={<Button>Set price</Button>} /> : null}
      </div>
      {rates.isPending ? <Spinner label="Loading prices" /> : null}
      {rates.isError ? <ErrorNotice error={rates.error} /> : null}
      {rates.data && rates.data.length === 0 ? (
        <EmptyState title="No prices">Calls are metered in tokens only until a price is set.</EmptyState>
      ) : null}
      {rates.data && rates.data.length > 0 ? (
        <Table>
          <caption className="sr-only">Prices in dollars per million tokens</caption>
          <THead>
            <Tr>
              <Th>Provider</Th>
              <Th>Model pattern</Th>
              <Th className="text-right">Input $/M</Th>
              <Th className="text-right">Output $/M</Th>
              <Th className="text-right">Cache read $/M</Th>
              <Th className="text-right">Cache write $/M</Th>
              <Th>Source</Th>
              {canEdit ? <Th className="text-right">Actions</Th> : null}
            </Tr>
          </THead>
          <TBody>
            {rates.data.map((rate) => (
              <Tr key={`${rate.provider}/${rate.model}`}>
                <Td>{rate.provider}</Td>
                <Td className="font-mono text-xs whitespace-nowrap">{rate.model}</Td>
                <Td className="text-right tabular-nums">{perMillion(rate.input_per_m)}</Td>
                <Td className="text-right tabular-nums">{perMillion(rate.output_per_m)}</Td>
                <Td className="text-right tabular-nums">{perMillion(rate.cache_read_per_m)}</Td>
                <Td className="text-right tabular-nums">{perMillion(rate.cache_write_per_m)}</Td>
                <Td>
                  <Badge variant={rate.source === 'workspace' ? 'default' : 'secondary'}>
                    {rate.source === 'workspace' ? 'workspace' : 'shipped'}
                  </Badge>
                </Td>
                {canEdit ? (
                  <Td className="text-right">
                    <PriceDialog
                      rate={rate}
                      trigger={
                        <Button
                          size="sm"
                          variant="outline"
                          aria-label={`Edit price: ${rate.provider} ${rate.model}`}
                        >
                          Edit
                        </Button>
                      }
                    />
                  </Td>
                ) : null}
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : null}
    </div>
  );
}
