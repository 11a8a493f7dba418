import { CommanderError } from 'commander';
import { loadCliConfig } from './config.js';
import { type CliIo, createCliContext } from './context.js';
import { ChecksFailedError, CommandExit, describeError, toCrewshipError } from './errors.js';
import { exitCodeFor } from './exit-codes.js';
import { createProgram } from './program.js';

/** Runs one command line and returns the exit code; every failure becomes one line on stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const program = createProgram(createCliContext(loadCliConfig(), io));
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    const code = exitCodeFor(error);
    if (error instanceof CommanderError) {
      // Help and version were printed by commander; usage errors are reported here, in our format.
      const printed = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      if (!printed) io.stderr(`crewship: ${error.message.replace(/^error: /, '')}\n`);
    } else if (error instanceof CommandExit) {
      // The command has already reported everything.
    } else if (error instanceof ChecksFailedError) {
      io.stderr(`crewship: ${error.message}\n`);
    } else {
      io.stderr(`crewship: ${describeError(toCrewshipError(error))}\n`);
    }
    return code;
  }
}
