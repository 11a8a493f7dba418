import { CREDENTIAL_PROVIDERS, type RatePrice, type SetRatePriceRequest } from '@crewship/contracts';
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

type Provider = SetRatePriceRequest['provider'];
const MAX_PRICE = 10_000;

/** Sets the workspace's price of a provider and model pattern, starting from `rate` when editing one. */
export function PriceDialog(props: { rate: RatePrice | null; trigger: ReactElement }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent
        title="Set price"
        description="Dollars per million tokens for this workspace; it takes over from the shipped price."
      >
        <PriceForm rate={props.rate} onDone={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

const PRICE_FIELDS = [
  { key: 'input_per_m', label: 'Input $/M', required: true },
  { key: 'output_per_m', label: 'Output $/M', required: true },
  { key: 'cache_read_per_m', label: 'Cache read $/M', required: false },
  { key: 'cache_write_per_m', label: 'Cache write $/M', required: false },
] as const;
type PriceKey = (typeof PRICE_FIELDS)[number]['key'];
const ANTHROPIC_CACHE_RATIOS: Partial<Record<PriceKey, number>> = {
  cache_read_per_m: 0.1,
  cache_write_per_m: 1.25,
};

function cacheHint(key: PriceKey, provider: Provider): string {
  const ratio = ANTHROPIC_CACHE_RATIOS[key];
  return provider === 'anthropic' && ratio ? `Empty: ${ratio} × input.` : 'Empty: same as input.';
}

function PriceForm({ rate, onDone }: { rate: RatePrice | null; onDone: () => void }) {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const knownProvider = CREDENTIAL_PROVIDERS.find((provider) => provider === rate?.provider);
  const [provider, setProvider] = useState<Provider>(knownProvider ?? 'anthropic');
  const [model, setModel] = useState(rate?.model ?? '');
  const [prices, setPrices] = useState<Record<PriceKey, string>>({
    input_per_m: rate?.input_per_m.toString() ?? '',
    output_per_m: rate?.output_per_m.toString() ?? '',
    cache_read_per_m: rate?.cache_read_per_m.toString() ?? '',
    cache_write_per_m: rate?.cache_write_per_m.toString() ?? '',
  });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (input: SetRatePriceRequest) => api.paymaster.setRate(input),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['paymaster'] });
      toast(`Price set for ${saved.provider} ${saved.model}`);
      onDone();
    },
  });
  const serverProblems = fieldErrors(save.error);
  const problem = (key: string) => problems[key] ?? serverProblems[key];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (model.trim() === '') next.model = 'Enter a model name or pattern, e.g. claude-sonnet-4*.';
    const values: Partial<Record<PriceKey, number>> = {};
    for (const field of PRICE_FIELDS) {
      const text = prices[field.key].trim();
      if (text === '') {
        if (field.required) next[field.key] = 'Enter a price (0 for free).';
        continue;
      }
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0 || value > MAX_PRICE) {
        next[field.key] = `Enter a price from 0 to ${MAX_PRICE.toLocaleString('en')}.`;
      } else {
        values[field.key] = value;
      }
    }
    setProblems(next);
    if (Object.keys(next).length > 0) return;
    save.mutate({
      provider,
      model: model.trim(),
      input_per_m: values.input_per_m ?? 0,
      output_per_m: values.output_per_m ?? 0,
      ...(values.cache_read_per_m === undefined ? {} : { cache_read_per_m: values.cache_read_per_m }),
      ...(values.cache_write_per_m === undefined ? {} : { cache_write_per_m: values.cache_write_per_m }),
    });
  };

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <Field label="Provider">
          <Select value={provider} onChange={(event) => setProvider(event.target.value as Provider)}>
            {CREDENTIAL_PROVIDERS.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Model"
          hint="A trailing * matches every model starting with the rest."
          error={problem('model')}
        >
          <Input
            value={model}
            autoComplete="off"
            maxLength={200}
            spellCheck={false}
            placeholder="claude-sonnet-4*"
            onChange={(event) => setModel(event.target.value)}
          />
        </Field>
        {PRICE_FIELDS.map((field) => (
          <Field
            key={field.key}
            label={field.label}
            hint={field.required ? undefined : cacheHint(field.key, provider)}
            error={problem(field.key)}
          >
            <Input
              type="number"
              inputMode="decimal"
              min={0}
              max={MAX_PRICE}
              step="any"
              value={prices[field.key]}
              onChange={(event) => setPrices({ ...prices, [field.key]: event.target.value })}
            />
          </Field>
        ))}
      </div>
      <FormError error={save.error} />
      <DialogFooter label="Save price" pendingLabel="Saving…" pending={save.isPending} />
    </form>
  );
}
