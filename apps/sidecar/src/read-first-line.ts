import type { Readable } from 'node:stream';
import { CrewshipError } from '@crewship/contracts';

/** Reads up to the first newline (or the end of the stream), then stops reading. */
export function readFirstLine(
  stream: Readable,
  options: { maxBytes: number; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const finish = (outcome: { line: string } | { error: CrewshipError }) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if ('line' in outcome) resolve(outcome.line);
      else reject(outcome.error);
    };
    const onData = (chunk: Buffer | string) => {
      buffered = Buffer.concat([buffered, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline !== -1) {
        finish({ line: buffered.subarray(0, newline).toString('utf8').replace(/\r$/, '') });
      } else if (buffered.length > options.maxBytes) {
        finish({
          error: new CrewshipError('too_large', `start config line is longer than ${options.maxBytes} bytes`),
        });
      }
    };
    const onEnd = () => {
      if (buffered.length > 0) finish({ line: buffered.toString('utf8').replace(/\r$/, '') });
      else
        finish({
          error: new CrewshipError('invalid_input', 'stdin closed before a start config line arrived'),
        });
    };
    const onError = (error: Error) =>
      finish({
        error: new CrewshipError('unavailable', `cannot read stdin: ${error.message}`, { cause: error }),
      });
    const timer = setTimeout(
      () => finish({ error: new CrewshipError('invalid_input', 'no start config line on stdin in time') }),
      options.timeoutMs,
    );
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
