import { useMutation } from '@tanstack/react-query';
import { type ReactElement, type ReactNode, useState } from 'react';
import { Dialog, DialogContent, DialogTrigger } from './dialog';
import { DialogFooter } from './dialog-footer';
import { ErrorNotice } from './feedback';

/**
 * A destructive action behind `trigger` and a confirmation; the dialog stays open with the server's
 * error when the action fails.
 */
export function ConfirmDialog(props: {
  /** The button that opens the dialog. */
  trigger: ReactElement;
  title: string;
  description?: string;
  children?: ReactNode;
  /** The confirm button's text, e.g. "Delete crew". */
  confirmLabel: string;
  pendingLabel?: string;
  onConfirm: () => Promise<unknown>;
  /** Runs after the dialog closed on success (navigating away, moving focus). */
  onDone?: () => unknown;
}) {
  const [open, setOpen] = useState(false);
  const confirm = useMutation({
    mutationFn: props.onConfirm,
    onSuccess: async () => {
      setOpen(false);
      await props.onDone?.();
    },
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) confirm.reset();
      }}
    >
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent title={props.title} description={props.description}>
        {props.children ? <div className="grid grid-cols-1 gap-3 text-sm">{props.children}</div> : null}
        {confirm.error ? <ErrorNotice error={confirm.error} /> : null}
        <DialogFooter
          label={props.confirmLabel}
          pendingLabel={props.pendingLabel}
          pending={confirm.isPending}
          variant="destructive"
          onClick={() => confirm.mutate()}
        />
      </DialogContent>
    </Dialog>
  );
}
