import type { CreatedToken } from '@crewship/contracts';
import { useRef } from 'react';
import { Button } from '../../components/ui/button';
import { Field } from '../../components/ui/field';
import { Input } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';

/** A new token, shown this once; the server keeps only its hash. */
export function CreatedTokenNotice({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const toast = useToast();
  const fieldRef = useRef<HTMLDivElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      toast('Token copied');
    } catch {
      fieldRef.current?.querySelector('input')?.select();
      toast('Copying failed: the token is selected, copy it with Ctrl+C', 'error');
    }
  };
  return (
    <div className="grid gap-3 rounded-md border border-warning/50 bg-warning/10 p-3">
      <p role="status" className="text-sm font-medium">
        Token “{token.name}” created. Copy it now: it is not shown again.
      </p>
      <div ref={fieldRef} className="flex flex-wrap items-end gap-2">
        <Field label="New token" className="min-w-0 flex-1 basis-full sm:basis-0">
          <Input
            readOnly
            value={token.token}
            className="font-mono"
            onFocus={(event) => event.target.select()}
          />
        </Field>
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
        <Button variant="outline" onClick={onDone}>
          Done
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">
        Scripts send it as <code>Authorization: Bearer …</code> to the API.
      </p>
    </div>
  );
}
