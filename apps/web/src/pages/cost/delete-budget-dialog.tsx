import type { Budget } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactElement, useState } from 'react';
import { Button } from '../../components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogTrigger } from '../../components/ui/dialog';
import { ErrorNotice } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { useApi } from '../../lib/session';

/** Asks before deleting `budget`; `onDeleted` runs once it is gone (its row, and `trigger`, with it). */
export function DeleteBudgetDialog(props: {
  budget: Budget;
  description: string;
  trigger: ReactElement;
  onDeleted: () => void;
}) {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.budgets.delete(props.budget.id),
    onSuccess: async () => {
      setOpen(false);
      toast('Budget deleted');
      await queryClient.invalidateQueries({ queryKey: ['budgets'] });
      props.onDeleted();
    },
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) remove.reset();
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent
        title="Delete budget?"
        description={`The ${props.description} budget stops limiting spend. Spend already recorded stays in the ledger.`}
      >
        {remove.isError ? <ErrorNotice error={remove.error} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="outline">Cancel</Button>
          </DialogClose>
          <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate()}>
            {remove.isPending ? 'Deleting…' : 'Delete budget'}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
