const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'ENOTSOCK',
  'ENOTDIR',
]);

/** The JSON error a client gets when talking to the gateway failed before any response. */
export function gatewayErrorMessage(error: unknown): 'gateway unreachable' | 'gateway error' {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code) ? 'gateway unreachable' : 'gateway error';
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
