import { fieldErrors } from '../../lib/api';
import { ErrorNotice } from './feedback';

/** A failed save's message, unless the server named fields: those issues show next to their fields. */
export function FormError({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  const named = Object.keys(fieldErrors(error)).some((path) => path !== '');
  return named ? null : <ErrorNotice error={error} className={className} />;
}
