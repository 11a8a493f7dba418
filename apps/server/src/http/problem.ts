import { CrewshipError, type ErrorKind, type Problem } from '@crewship/contracts';

/** The only place an error kind becomes an HTTP status. */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  budget_exceeded: 402,
  unavailable: 503,
  internal: 500,
};

const TITLES: Record<ErrorKind, string> = {
  invalid_input: 'Invalid input',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_large: 'Request too large',
  rate_limited: 'Too many requests',
  budget_exceeded: 'Budget exceeded',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

export function toProblem(error: CrewshipError): Problem {
  const problem: Problem = {
    type: `urn:crewship:problem:${error.kind}`,
    title: TITLES[error.kind],
    status: STATUS_BY_KIND[error.kind],
    detail: error.message,
    kind: error.kind,
  };
  if (error.details?.issues) problem.errors = error.details.issues;
  return problem;
}

export function internalError(requestId: string): CrewshipError {
  return new CrewshipError(
    'internal',
    `internal error; the server log has the details under request id ${requestId}`,
  );
}
