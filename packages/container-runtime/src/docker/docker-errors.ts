/** The HTTP status of a failed Docker API call (dockerode puts it on the error), if any. */
export function dockerErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Resolves to undefined when the Docker object does not exist (404); rethrows anything else. */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (dockerErrorStatus(error) === 404) return undefined;
    throw error;
  }
}
