import { Send } from 'lucide-react';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Field } from '../../components/ui/field';
import { Textarea } from '../../components/ui/input';
import { errorMessage, fieldErrors } from '../../lib/api';

/** The message box: Enter sends, Shift+Enter starts a new line; the draft is kept when sending fails. */
export function Composer(props: {
  /** Resolves true once the message was accepted. */
  onSend: (content: string) => Promise<boolean>;
  pending: boolean;
  /** Why sending is not possible right now (a run in progress), or null. */
  blockedReason: string | null;
  error: unknown;
}) {
  const [draft, setDraft] = useState('');
  const [local, setLocal] = useState<string | undefined>();
  const blocked = props.pending || props.blockedReason !== null;
  const submit = async () => {
    if (blocked) return;
    if (!draft.trim()) {
      setLocal('Write a message first.');
      return;
    }
    setLocal(undefined);
    if (await props.onSend(draft)) setDraft('');
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    void submit();
  };
  const serverError = props.error
    ? (fieldErrors(props.error).content ?? errorMessage(props.error))
    : undefined;
  return (
    <form onSubmit={onSubmit} className="grid gap-2 border-t pt-3">
      <Field
        label="Message"
        hint={props.blockedReason ?? 'Enter sends, Shift+Enter adds a line.'}
        error={local ?? serverError}
      >
        <Textarea
          value={draft}
          rows={3}
          onChange={(event) => {
            setDraft(event.target.value);
            if (local) setLocal(undefined);
          }}
          onKeyDown={onKeyDown}
          placeholder="Ask the agent something…"
          className="resize-y"
        />
      </Field>
      <div className="flex justify-end">
        <Button type="submit" disabled={blocked} aria-busy={props.pending || undefined}>
          <Send aria-hidden="true" />
          Send
        </Button>
      </div>
    </form>
  );
}
