import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { outcome: 'complete'; body: Buffer }
  | { outcome: 'too_large' }
  | { outcome: 'aborted'; error: Error };

/** Buffers a request body of at most `limit` bytes; stops reading as soon as it is known to be larger. */
export function readBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ outcome: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        request.pause();
        settle({ outcome: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ outcome: 'complete', body: Buffer.concat(chunks, size) });
    const onError = (error: Error) => settle({ outcome: 'aborted', error });
    const onClose = () => {
      if (!request.complete) settle({ outcome: 'aborted', error: new Error('client closed the request') });
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
