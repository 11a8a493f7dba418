import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrewshipError } from '@crewship/contracts';
import { z } from 'zod';

const loginStateSchema = z.object({
  server: z.string().min(1),
  token: z.string().min(1),
  token_id: z.string().min(1),
  email: z.string(),
  workspace: z.string().nullable().default(null),
});

/** What `crewship login` remembers: the server, the CLI token and the default workspace. */
export type LoginState = z.infer<typeof loginStateSchema>;

export interface LoginStore {
  /** Path of `cli.json`. */
  file: string;
  read(): LoginState | null;
  /** Writes atomically (temp file + rename), mode 0600, in a directory created 0700. */
  write(state: LoginState): void;
  remove(): void;
}

export function createLoginStore(crewshipHome: string): LoginStore {
  const file = join(crewshipHome, 'cli.json');
  return {
    file,
    read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new CrewshipError('unavailable', `cannot read ${file}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      try {
        return loginStateSchema.parse(JSON.parse(text));
      } catch (error) {
        throw new CrewshipError(
          'unauthenticated',
          `${file} is damaged; delete it and log in again with \`crewship login --email you@example.com --password-stdin\``,
          { cause: error },
        );
      }
    },
    write(state) {
      mkdirSync(crewshipHome, { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(temporary, 0o600);
        renameSync(temporary, file);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw new CrewshipError(
          'unavailable',
          `cannot save the login state to ${file}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    },
    remove() {
      rmSync(file, { force: true });
    },
  };
}
