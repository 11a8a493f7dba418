import type { ServerResponse } from 'node:http';

/** Answers with a small JSON body; cuts the connection instead when a response has already started. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  options: { closeConnection?: boolean; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...(options.closeConnection ? { connection: 'close' } : {}),
    ...options.headers,
  });
  res.end(text);
}
