import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '@crewship/contracts';
import { z } from 'zod';

const manifestSchema = z.object({
  tools: z
    .record(z.string(), z.object({ package: z.string(), version: z.string(), installed_at: z.string() }))
    .default({}),
  node: z.object({ version: z.string() }).nullable().default(null),
});

/** `<toolsDir>/manifest.json`: what is installed, at which version, since when. */
export type ToolsManifest = z.infer<typeof manifestSchema>;

export async function readToolsManifest(file: string, logger: Logger): Promise<ToolsManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { tools: {}, node: null };
    throw error;
  }
  try {
    return manifestSchema.parse(JSON.parse(text));
  } catch (error) {
    // Treated as empty: the next install rewrites it and reinstalls what it no longer vouches for.
    logger.warn('ignoring unreadable agent tools manifest', { file, error: String(error) });
    return { tools: {}, node: null };
  }
}

/** Written to a temporary file and renamed, so readers see the old or the new manifest. */
export async function writeToolsManifest(file: string, manifest: ToolsManifest): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
}

export async function writeFileAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { mode });
    await chmod(temporary, mode);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
