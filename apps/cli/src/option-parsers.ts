import { CrewshipError } from '@crewship/contracts';
import { InvalidArgumentError } from 'commander';

/** For repeatable options: `--allow-domain a --allow-domain b` gives `['a', 'b']`; absent stays undefined. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function parseNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('must be a number.');
  return parsed;
}

export function parseInteger(value: string): number {
  const parsed = parseNumber(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('must be a whole number.');
  return parsed;
}

/** `claude-code` -> `CLAUDE_CODE`; the server checks the value against its list. */
export function upperConstant(value: string): string {
  return value.trim().replace(/-/g, '_').toUpperCase();
}

export function lowerConstant(value: string): string {
  return value.trim().toLowerCase();
}

/** Refuses a destructive command unless `--yes` was given. */
export function confirmed(yes: boolean | undefined, what: string, command: string): void {
  if (!yes)
    throw new CrewshipError(
      'invalid_input',
      `refusing to delete ${what} without --yes (run \`${command} --yes\`)`,
    );
}
