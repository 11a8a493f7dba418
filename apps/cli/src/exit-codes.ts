import type { ErrorKind } from '@crewship/contracts';
import { CommanderError } from 'commander';
import { ChecksFailedError, CommandExit, toCrewshipError } from './errors.js';

/** The only place an error kind becomes a process exit code. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  internal: 1,
  invalid_input: 2,
  too_large: 2,
  unauthenticated: 3,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  rate_limited: 7,
  budget_exceeded: 8,
  unavailable: 9,
};

/** Wrong flags, unknown commands, missing arguments. */
export const USAGE_EXIT_CODE = 2;

/** `crewship doctor` with a failing check. */
export const CHECKS_FAILED_EXIT_CODE = 1;

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommandExit) return error.exitCode;
  if (error instanceof ChecksFailedError) return CHECKS_FAILED_EXIT_CODE;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  return EXIT_CODES[toCrewshipError(error).kind];
}
