import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';

export function registerAdminCommands(program: Command, context: CliContext): void {
  const { out } = context;
  const admin = program.command('admin').description('Server administration (Owner of the first workspace)');

  admin
    .command('reencrypt')
    .description(
      "Rotate the server's ENCRYPTION_KEY and re-encrypt every stored credential under the new key",
    )
    .addHelpText(
      'after',
      `
The running server generates a new key, writes it to secrets.env in its data directory (the old key
stays there as ENCRYPTION_KEY_PREVIOUS, so backups taken before the rotation can still be opened),
then re-encrypts every credential of every workspace in one transaction. It keeps running: no restart.
Back up secrets.env afterwards. Only an Owner of the server's first workspace may do this.

Example:
  $ crewship admin reencrypt`,
    )
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const result = await api.admin.reencrypt();
      if (wantsJson(command)) return out.json(result);
      out.line(
        `Re-encrypted ${result.reencrypted} credential${result.reencrypted === 1 ? '' : 's'} under key ${result.key_id} (previous key ${result.previous_key_id}).`,
      );
      out.line('secrets.env now holds the new ENCRYPTION_KEY; back it up.');
    });
}
