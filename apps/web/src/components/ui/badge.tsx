import { cva, type VariantProps } from 'class-variance-authority';
import type { HTMLAttributes } from 'react';
import { cn } from '../../lib/cn';

const badgeVariants = cva(
  'inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium',
  {
    variants: {
      variant: {
        default: 'border-transparent bg-primary text-primary-foreground',
        secondary: 'border-transparent bg-muted text-foreground',
        outline: 'text-foreground',
        success: 'border-transparent bg-success/15 text-success',
        warning: 'border-transparent bg-warning/15 text-warning',
        destructive: 'border-transparent bg-destructive/15 text-destructive',
      },
    },
    defaultVariants: { variant: 'secondary' },
  },
);

export type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>['variant']>;

export function Badge({
  className,
  variant,
  ...props
}: HTMLAttributes<HTMLSpanElement> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ variant }), className)} {...props} />;
}

const STATUS_VARIANTS: Record<string, BadgeVariant> = {
  running: 'default',
  pending: 'warning',
  queued: 'warning',
  starting: 'warning',
  completed: 'success',
  approved: 'success',
  succeeded: 'success',
  ok: 'success',
  failed: 'destructive',
  denied: 'destructive',
  error: 'destructive',
  cancelled: 'secondary',
  timed_out: 'destructive',
  timeout: 'destructive',
  stopped: 'secondary',
  missing: 'secondary',
};

/** A status word with a colour that matches its meaning (running, completed, failed, ...). */
export function StatusBadge({ status, className }: { status: string; className?: string }) {
  return (
    <Badge variant={STATUS_VARIANTS[status.toLowerCase()] ?? 'outline'} className={className}>
      {status.replaceAll('_', ' ')}
    </Badge>
  );
}
