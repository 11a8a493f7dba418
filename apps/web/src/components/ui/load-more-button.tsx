import { cn } from '../../lib/cn';
import { Button } from './button';

/** The centred button under a list that fetches its next page. */
export function LoadMoreButton(props: {
  loading: boolean;
  onClick: () => void;
  label?: string;
  className?: string;
}) {
  return (
    <div className={cn('flex justify-center', props.className)}>
      <Button variant="outline" disabled={props.loading} onClick={props.onClick}>
        {props.loading ? 'Loading…' : (props.label ?? 'Load more')}
      </Button>
    </div>
  );
}
