import type { ReactNode } from 'react';
import { Button } from './button';
import { DialogClose } from './dialog';

/** A dialog's Cancel and its main button; the main button submits the surrounding form unless `onClick` is given. */
export function DialogFooter(props: {
  /** The main button's text, e.g. "Create crew". */
  label: string;
  /** Shown instead of `label` while `pending`. */
  pendingLabel?: string;
  pending: boolean;
  disabled?: boolean;
  variant?: 'default' | 'destructive';
  onClick?: () => void;
  /** Placed before Cancel, e.g. a link-style button that switches the form's mode. */
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {props.children}
      <DialogClose asChild>
        <Button variant="outline">Cancel</Button>
      </DialogClose>
      <Button
        type={props.onClick ? 'button' : 'submit'}
        variant={props.variant ?? 'default'}
        disabled={props.pending || props.disabled}
        onClick={props.onClick}
      >
        {props.pending && props.pendingLabel ? props.pendingLabel : props.label}
      </Button>
    </div>
  );
}
