import { Button } from './button';

/** A settings form's Save button and, while there are unsaved edits, "Discard changes". */
export function FormActions(props: {
  /** The save button's text, e.g. "Save crew". */
  label: string;
  /** Shown instead of `label` while `pending`. */
  pendingLabel?: string;
  pending: boolean;
  /** Whether the form differs from what is saved; without it there is nothing to save. */
  dirty: boolean;
  /** Resets the form; without it there is no Discard button. */
  onDiscard?: () => void;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      <Button type="submit" disabled={!props.dirty || props.pending}>
        {props.pending && props.pendingLabel ? props.pendingLabel : props.label}
      </Button>
      {props.dirty && props.onDiscard ? (
        <Button variant="ghost" onClick={props.onDiscard}>
          Discard changes
        </Button>
      ) : null}
    </div>
  );
}
