import { useChannel } from './realtime';
import { useSession } from './session';

/** Calls `onChange` whenever a run of the workspace changes status, and after missed events. */
export function useRunStatusChanges(onChange: () => void): void {
  const { workspace } = useSession();
  useChannel(
    `workspace:${workspace.id}`,
    (event) => {
      if (event.type === 'run.status') onChange();
    },
    onChange,
  );
}
