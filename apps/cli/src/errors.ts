import { CrewshipError, isCrewshipError, isErrorKind } from '@crewship/contracts';

/**
 * Any thrown value as a `CrewshipError`. The server is loaded from its own bundle with its own copy of
 * the class, so its errors are recognised by shape, not only by `instanceof`.
 */
export function toCrewshipError(error: unknown): CrewshipError {
  if (isCrewshipError(error)) return error;
  if (error instanceof Error && error.name === 'CrewshipError') {
    const { kind, details } = error as Error & { kind?: unknown; details?: CrewshipError['details'] };
    if (isErrorKind(kind)) return new CrewshipError(kind, error.message, { cause: error, details });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CrewshipError('internal', `unexpected error: ${message}`, { cause: error });
}

/** The one-line message printed after `crewship: `. */
export function describeError(error: CrewshipError): string {
  let message = error.message.replace(/\s*\n\s*/g, ' ');
  const issues = error.details?.issues ?? [];
  const missing = issues.filter((issue) => !message.includes(issue.message));
  if (missing.length > 0) {
    message += `: ${missing.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
  }
  if (error.kind === 'unauthenticated' && /log in/.test(message) && !message.includes('crewship login')) {
    message += ' with `crewship login --email you@example.com --password-stdin`';
  }
  return message;
}

/** `crewship doctor` found at least one failing check; the report is already printed. */
export class ChecksFailedError extends Error {
  constructor(failed: number) {
    super(`${failed} check${failed === 1 ? '' : 's'} failed; see the fixes above`);
    this.name = 'ChecksFailedError';
  }
}

/** A command that ends with a given exit code and nothing more to report (`crewship crew exec`). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CommandExit';
  }
}
