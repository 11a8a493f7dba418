import { isCrewshipError } from '@crewship/contracts';
import { ErrorNotice } from '../../components/ui/feedback';
import { fieldErrors } from '../../lib/api';

/** A refused save: each field issue the server named (`rules.0.mode: …`), or its one message. */
export function IssueList({ error }: { error: unknown }) {
  const issues = Object.entries(fieldErrors(error));
  if (issues.length === 0 || !isCrewshipError(error)) return <ErrorNotice error={error} />;
  return (
    <div
      role="alert"
      className="rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive"
    >
      <p className="font-medium">The server refused them:</p>
      <ul className="mt-1 list-disc pl-5 font-mono text-xs">
        {issues.map(([path, message]) => (
          <li key={path}>
            {path ? `${path}: ` : ''}
            {message}
          </li>
        ))}
      </ul>
    </div>
  );
}
