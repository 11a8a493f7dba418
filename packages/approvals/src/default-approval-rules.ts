import type { ApprovalRule } from '@crewship/contracts';

const DEFAULT_TIMEOUT_SECONDS = 600;

/** Patterns run over the compact JSON of a tool input, so a command's end shows as `"`. */
const DESTRUCTIVE: ReadonlyArray<readonly [name: string, input: string]> = [
  ['rm-rf-root', '*rm -rf / *'],
  ['rm-rf-root', '*rm -rf /"*'],
  ['rm-rf-root', '*rm -rf /;*'],
  ['rm-rf-root', '*rm -fr / *'],
  ['rm-rf-root', '*rm -fr /"*'],
  ['rm-rf-root', '*--no-preserve-root*'],
  ['rm-rf-home', '*rm -rf ~*'],
  ['rm-rf-home', '*rm -rf $HOME*'],
  ['git-force-push', '*git push*--force*'],
  ['drop-database', '*drop database*'],
  ['drop-table', '*drop table*'],
  ['mkfs', '*mkfs*'],
  ['dd-to-device', '*dd if=*of=/dev/*'],
];

const RULES: ApprovalRule[] = [
  ...DESTRUCTIVE.map(
    ([name, input]): ApprovalRule => ({
      name,
      on: 'tool_use',
      input,
      mode: 'sync',
      timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
    }),
  ),
  { name: 'production-host', on: 'tool_use', host: '*.prod.*', mode: 'async' },
  { name: 'production-host', on: 'tool_use', host: '*.production.*', mode: 'async' },
  { name: 'costly-run', on: 'tool_use', cost_over_usd: 5, mode: 'async' },
];

/** What a workspace without its own rules gets; the README lists them. */
export const DEFAULT_APPROVAL_RULES: readonly ApprovalRule[] = Object.freeze(
  RULES.map((rule) => Object.freeze(rule)),
);
