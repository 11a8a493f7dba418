import type { z } from 'zod';

/** Zod issues keyed by their dotted path (`memory_mb`), first message wins; `''` holds form-level ones. */
export function formIssues(error: z.ZodError | undefined): Record<string, string> {
  const issues: Record<string, string> = {};
  for (const issue of error?.issues ?? []) {
    const path = issue.path.join('.');
    issues[path] ??= issue.message;
  }
  return issues;
}
