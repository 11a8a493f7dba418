import { Field } from '../../components/ui/field';
import { Input } from '../../components/ui/input';

/** A credential's priority as typed (checked with `parsePriority`). */
export function PriorityField(props: { value: string; onChange: (value: string) => void; error?: string }) {
  return (
    <Field label="Priority" error={props.error} hint="Higher is used first; equal priorities take turns.">
      <Input
        type="number"
        inputMode="numeric"
        min={-1000}
        max={1000}
        step={1}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </Field>
  );
}
