import { DEFAULT_EGRESS_DOMAINS } from '@crewship/contracts';
import { X } from 'lucide-react';
import { type KeyboardEvent, useId, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { checkDomain } from './crew-limits';

const MAX_DOMAINS = 500;

/** The crew's egress allowlist: add a domain (validated like the API does), remove one. */
export function DomainListEditor(props: {
  domains: string[];
  onChange: (domains: string[]) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const inputId = useId();
  const shownError = error ?? props.error;
  const add = () => {
    if (draft.trim() === '') return;
    const checked = checkDomain(draft);
    if ('error' in checked) {
      setError(`"${draft.trim()}" ${checked.error}`);
      return;
    }
    if (props.domains.includes(checked.domain)) {
      setError(`${checked.domain} is already in the list`);
      return;
    }
    if (props.domains.length >= MAX_DOMAINS) {
      setError(`At most ${MAX_DOMAINS} domains`);
      return;
    }
    props.onChange([...props.domains, checked.domain]);
    setDraft('');
    setError(undefined);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  };
  return (
    <fieldset className="grid grid-cols-1 gap-2" disabled={props.disabled}>
      <legend className="mb-1.5 text-sm font-medium">Allowed domains</legend>
      {props.domains.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          None besides the model providers ({DEFAULT_EGRESS_DOMAINS.length} built-in domains).
        </p>
      ) : (
        <ul className="flex flex-wrap gap-2">
          {props.domains.map((domain) => (
            <li
              key={domain}
              className="inline-flex max-w-full items-center gap-1 rounded-md border bg-muted/50 py-0.5 pr-0.5 pl-2 text-sm"
            >
              <span className="truncate font-mono text-xs">{domain}</span>
              <Button
                variant="ghost"
                size="icon"
                className="size-6"
                aria-label={`Remove ${domain}`}
                onClick={() => props.onChange(props.domains.filter((entry) => entry !== domain))}
              >
                <X />
              </Button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={inputId} className="text-sm font-medium">
        Add a domain
      </label>
      <div className="flex flex-wrap gap-2">
        <Input
          id={inputId}
          className="min-w-0 flex-1 basis-48"
          value={draft}
          placeholder="example.com"
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby={`${inputId}-hint${shownError ? ` ${inputId}-error` : ''}`}
          aria-invalid={shownError ? true : undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            setError(undefined);
          }}
          onKeyDown={onKeyDown}
        />
        <Button variant="outline" onClick={add}>
          Add domain
        </Button>
      </div>
      <p id={`${inputId}-hint`} className="text-xs text-muted-foreground">
        example.com, or *.example.com for its subdomains. Press Enter to add.
      </p>
      {shownError ? (
        <p id={`${inputId}-error`} role="alert" className="text-xs text-destructive">
          {shownError}
        </p>
      ) : null}
    </fieldset>
  );
}
