import type { CredentialVault, Logger, Scrubber } from '@crewship/contracts';
import { createScrubber } from '@crewship/scrubber';

/** The server-wide scrubber: credential shapes plus every stored credential value, rebuilt when they change. */
export interface SecretScrubber {
  scrub(text: string): string;
  current(): Scrubber;
  refresh(): Promise<void>;
}

export function createSecretScrubber(
  vault: Pick<CredentialVault, 'secretValues'>,
  workspaceIds: () => readonly string[],
  logger: Logger,
): SecretScrubber {
  let scrubber = createScrubber();
  return {
    scrub: (text) => scrubber.scrub(text),
    current: () => scrubber,
    async refresh() {
      try {
        const values = (await Promise.all(workspaceIds().map((id) => vault.secretValues(id)))).flat();
        scrubber = createScrubber({ secrets: values });
      } catch (error) {
        logger.error('cannot load credential values for the scrubber', { reason: (error as Error).message });
      }
    },
  };
}
