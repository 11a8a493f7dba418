import { type ReactNode, useState } from 'react';
import { Button, type ButtonProps } from '../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { ErrorNotice } from '../../components/ui/feedback';

/**
 * A button that asks before doing something destructive; the dialog stays open with the server's
 * error when the action fails.
 */
export function ConfirmDialog(props: {
  trigger: ReactNode;
  triggerLabel?: string;
  triggerVariant?: ButtonProps['variant'];
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setError(null);
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant={props.triggerVariant ?? 'outline'} aria-label={props.triggerLabel}>
          {props.trigger}
        </Button>
      </DialogTrigger>
      <DialogContent title={props.title} description={props.description}>
        {error ? <ErrorNotice error={error} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="outline">Cancel</Button>
          </DialogClose>
          <Button variant="destructive" disabled={pending} onClick={confirm}>
            {pending ? 'Working…' : props.confirmLabel}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
