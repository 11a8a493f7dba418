import type { Credential } from '@crewship/contracts';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';

/** Workspace credentials to assign to a new agent, by id. */
export function CredentialCheckboxes(props: {
  credentials: Credential[] | undefined;
  error: unknown;
  selected: string[];
  onChange: (selected: string[]) => void;
}) {
  const toggle = (id: string, checked: boolean) =>
    props.onChange(checked ? [...props.selected, id] : props.selected.filter((entry) => entry !== id));
  return (
    <fieldset className="grid grid-cols-1 gap-2">
      <legend className="mb-1 text-sm font-medium">Credentials</legend>
      <p className="text-xs text-muted-foreground">
        The agent's model calls use these; for a provider without one, the workspace's unassigned credentials
        are used.
      </p>
      {props.error ? <ErrorNotice error={props.error} /> : null}
      {!props.credentials && !props.error ? <Spinner /> : null}
      {props.credentials?.length === 0 ? (
        <p className="text-sm text-muted-foreground">No credentials in this workspace yet.</p>
      ) : null}
      {props.credentials && props.credentials.length > 0 ? (
        <ul className="grid grid-cols-1 gap-1.5">
          {props.credentials.map((credential) => (
            <li key={credential.id}>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  checked={props.selected.includes(credential.id)}
                  onChange={(event) => toggle(credential.id, event.target.checked)}
                />
                <span className="min-w-0 truncate">
                  {credential.name}{' '}
                  <span className="text-muted-foreground">
                    ({credential.provider}, …{credential.last4})
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
