import { isCrewshipError } from '@crewship/contracts';
import { createCrewshipClient } from '@crewship/sdk';

export type Api = ReturnType<typeof createCrewshipClient>;

/** A client for this origin; the browser sends the httpOnly session cookie, never a token. */
export function createApi(workspace?: string): Api {
  return createCrewshipClient({ baseUrl: window.location.origin, workspace });
}

/** The human message of any error thrown by the SDK or the browser. */
export function errorMessage(error: unknown): string {
  if (isCrewshipError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Field issues of an `invalid_input` answer, keyed by path (`name`, `limits.memory_mb`). */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!isCrewshipError(error)) return {};
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  return Object.fromEntries((issues ?? []).map((issue) => [issue.path, issue.message]));
}
