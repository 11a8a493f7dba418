import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { ErrorNotice } from '../../components/ui/feedback';

/** A destructive action behind a trigger button and a confirmation; errors stay in the dialog. */
export function ConfirmDialog(props: {
  /** The trigger's and the confirm button's text, e.g. "Delete crew". */
  action: string;
  title: string;
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
  onDone?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const confirm = useMutation({
    mutationFn: props.onConfirm,
    onSuccess: () => {
      setOpen(false);
      props.onDone?.();
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
      <DialogTrigger asChild>
        <Button variant="destructive">{props.action}</Button>
      </DialogTrigger>
      <DialogContent title={props.title}>
        <div className="grid grid-cols-1 gap-3 text-sm">{props.children}</div>
        {confirm.error ? <ErrorNotice error={confirm.error} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="outline">Cancel</Button>
          </DialogClose>
          <Button variant="destructive" disabled={confirm.isPending} onClick={() => confirm.mutate()}>
            {props.action}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
