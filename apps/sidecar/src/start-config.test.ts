import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readFirstLine } from './read-first-line.js';
import { parseStartConfig } from './start-config.js';

const valid = { socketPath: '/run/crewship/gateway.sock', token: 'abc123', host: '127.0.0.1', port: 9119 };

describe('parseStartConfig', () => {
  it('accepts a SidecarStartConfig line, with an optional log level', () => {
    expect(parseStartConfig(JSON.stringify(valid))).toEqual(valid);
    expect(parseStartConfig(JSON.stringify({ ...valid, logLevel: 'debug' })).logLevel).toBe('debug');
  });

  it('names every bad field and never echoes the input', () => {
    const attempt = () =>
      parseStartConfig(
        JSON.stringify({ ...valid, token: 'secret value', port: 70_000, socketPath: 'x'.repeat(200) }),
      );
    const error = (() => {
      try {
        attempt();
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('accepted an invalid config');
    })();
    expect(error).toMatchObject({ kind: 'invalid_input' });
    for (const field of ['socketPath:', 'token:', 'port:']) expect(error.message).toContain(field);
    expect(error.message).not.toContain('secret value');
    expect(() => parseStartConfig('{"token": "secret')).toThrow(
      'invalid start config on stdin: not a JSON object',
    );
  });
});

describe('readFirstLine', () => {
  it('returns the first line and leaves the stream alone afterwards', async () => {
    const stream = new PassThrough();
    const line = readFirstLine(stream, { maxBytes: 1024, timeoutMs: 5_000 });
    stream.write('{"a":');
    stream.write('1}\r\n{"b":2}\n');
    await expect(line).resolves.toBe('{"a":1}');
  });

  it('refuses a line longer than the limit and a stream that ends empty', async () => {
    const long = new PassThrough();
    const tooLong = readFirstLine(long, { maxBytes: 8, timeoutMs: 5_000 });
    long.write('0123456789');
    await expect(tooLong).rejects.toMatchObject({ kind: 'too_large' });

    const empty = new PassThrough();
    const nothing = readFirstLine(empty, { maxBytes: 8, timeoutMs: 5_000 });
    empty.end();
    await expect(nothing).rejects.toThrow('stdin closed before a start config line arrived');
  });
});
