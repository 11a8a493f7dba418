import { CrewshipError, type ExecOptions, TMUX_SESSION_NAME } from '@crewship/contracts';

/** What every runtime refuses before starting anything: the same errors from Docker and the fake. */
export function execOptionsError(options: ExecOptions): CrewshipError | undefined {
  if (options.cmd.length === 0) return new CrewshipError('invalid_input', 'exec needs a command');
  if (options.tmuxSession !== undefined && !TMUX_SESSION_NAME.test(options.tmuxSession)) {
    return new CrewshipError(
      'invalid_input',
      `tmux session name ${JSON.stringify(options.tmuxSession)} must be 1-64 letters, digits, "-" or "_"`,
    );
  }
  return undefined;
}
