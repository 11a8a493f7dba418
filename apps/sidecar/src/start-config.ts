import { CrewshipError, type LogLevel, type SidecarStartConfig } from '@crewship/contracts';
import { z } from 'zod';

const MAX_SOCKET_PATH_BYTES = 107;

const startConfigSchema = z.object({
  socketPath: z
    .string()
    .min(1)
    .refine((path) => Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES, {
      message: `a Unix socket path is at most ${MAX_SOCKET_PATH_BYTES} bytes`,
    }),
  token: z.string().regex(/^[\x21-\x7e]+$/, 'must be non-empty visible ASCII'),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  /** Not part of SidecarStartConfig: lets the server turn on per-request debug lines. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(),
});

export type StartConfig = SidecarStartConfig & { logLevel?: LogLevel | undefined };

/** Parses the one JSON line the server writes to the sidecar's stdin; never echoes the input back. */
export function parseStartConfig(line: string): StartConfig {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CrewshipError('invalid_input', 'invalid start config on stdin: not a JSON object');
  }
  const parsed = startConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(root)',
      message: issue.message,
    }));
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new CrewshipError('invalid_input', `invalid start config on stdin: ${summary}`, {
      details: { issues },
    });
  }
  return parsed.data;
}
