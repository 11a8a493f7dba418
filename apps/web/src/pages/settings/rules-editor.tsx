import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { Field } from '../../components/ui/field';
import { Textarea } from '../../components/ui/input';
import { IssueList } from './issue-list';

/** An Admin's editor of a workspace's rules as text: Save sends it, Discard restores the saved text. */
export function RulesEditor(props: {
  /** The field's label, which also names what is saved, e.g. "Keeper rules (YAML)". */
  label: string;
  hint: string;
  initial: string;
  rows: number;
  placeholder?: string;
  saveLabel: string;
  /** Why the text cannot be saved as it is (shown under the field), checked before sending it. */
  check?: (text: string) => string | undefined;
  onSave: (text: string) => Promise<unknown>;
}) {
  const [text, setText] = useState(props.initial);
  const [problem, setProblem] = useState<string | undefined>();
  const save = useMutation({ mutationFn: props.onSave });
  const unchanged = text === props.initial;
  return (
    <form
      className="grid gap-3"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const found = props.check?.(text);
        setProblem(found);
        if (found === undefined) save.mutate(text);
      }}
    >
      <Field label={props.label} hint={props.hint} error={problem}>
        <Textarea
          rows={props.rows}
          spellCheck={false}
          className="font-mono text-xs"
          placeholder={props.placeholder}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </Field>
      {save.error ? <IssueList error={save.error} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={save.isPending || unchanged}>
          {save.isPending ? 'Saving…' : props.saveLabel}
        </Button>
        <Button variant="outline" disabled={unchanged} onClick={() => setText(props.initial)}>
          Discard changes
        </Button>
      </div>
    </form>
  );
}
