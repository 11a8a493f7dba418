export const ERROR_KINDS = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  'budget_exceeded',
  'unavailable',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** One field-level problem in an invalid input. */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface CrewshipErrorDetails {
  issues?: FieldIssue[];
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/** The one error type of Crewship; HTTP status and CLI exit code are derived from `kind`. */
export class CrewshipError extends Error {
  readonly kind: ErrorKind;
  readonly details: CrewshipErrorDetails | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    options: { cause?: unknown; details?: CrewshipErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrewshipError';
    this.kind = kind;
    this.details = options.details;
  }
}

/** Shape-based, so it also recognises errors thrown by another bundled copy of this package. */
export function isCrewshipError(value: unknown): value is CrewshipError {
  if (value instanceof CrewshipError) return true;
  return (
    value instanceof Error &&
    value.name === 'CrewshipError' &&
    isErrorKind((value as { kind?: unknown }).kind)
  );
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}
