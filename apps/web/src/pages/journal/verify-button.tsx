import { useMutation } from '@tanstack/react-query';
import { ShieldCheck } from 'lucide-react';
import { Button } from '../../components/ui/button';
import { useToast } from '../../components/ui/toast';
import { errorMessage } from '../../lib/api';
import { formatNumber } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';

/** Walks the journal's hash chain (Admin: it reads every workspace's entries) and shows the result beside the button. */
export function VerifyButton() {
  const api = useApi();
  const toast = useToast();
  const allowed = useCan('ADMIN');
  const verify = useMutation({
    mutationFn: () => api.journal.verify(),
    onError: (error) => toast(errorMessage(error), 'error'),
  });
  if (!allowed) return null;
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="outline" disabled={verify.isPending} onClick={() => verify.mutate()}>
        <ShieldCheck aria-hidden="true" />
        {verify.isPending ? 'Verifying…' : 'Verify integrity'}
      </Button>
      {verify.data ? (
        <p role="status" className={verify.data.ok ? 'text-xs text-success' : 'text-xs text-destructive'}>
          {verify.data.ok
            ? `Intact: ${formatNumber(verify.data.checked)} entries`
            : `Broken at entry ${verify.data.broken_at_seq ?? '?'}`}
        </p>
      ) : null}
    </div>
  );
}
