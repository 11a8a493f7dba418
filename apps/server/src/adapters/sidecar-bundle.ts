import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrewshipError } from '@crewship/contracts';

/**
 * Where the built sidecar is: `CREWSHIP_SIDECAR_BUNDLE`, else next to this server in the monorepo
 * (`apps/sidecar/dist/sidecar.cjs`, reached from the server's `dist/` or `src/adapters/`).
 */
export function locateSidecarBundle(configured: string | undefined): string {
  if (configured) {
    if (!existsSync(configured)) {
      throw new CrewshipError(
        'unavailable',
        `the sidecar bundle ${configured} (CREWSHIP_SIDECAR_BUNDLE) does not exist`,
      );
    }
    return configured;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '../../sidecar/dist/sidecar.cjs'),
    join(here, '../../../sidecar/dist/sidecar.cjs'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new CrewshipError(
      'unavailable',
      `the sidecar bundle is not built (looked for ${candidates.join(', ')}); run \`pnpm build\` or set CREWSHIP_SIDECAR_BUNDLE`,
    );
  }
  return found;
}

/** Copies the bundle to `<toolsDir>/sidecar/sidecar.cjs` (mounted at /opt/crewship), atomically. */
export async function installSidecarBundle(source: string, toolsDir: string): Promise<string> {
  const directory = join(toolsDir, 'sidecar');
  await mkdir(directory, { recursive: true, mode: 0o755 });
  const target = join(directory, 'sidecar.cjs');
  const temporary = `${target}.${process.pid}.tmp`;
  await copyFile(source, temporary);
  await rename(temporary, target);
  return target;
}
