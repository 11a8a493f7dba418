import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTickCoalescer } from './tick-coalescer.js';

function collect(coalescer: ReturnType<typeof createTickCoalescer>): Buffer[] {
  const out: Buffer[] = [];
  coalescer.on('data', (chunk: Buffer) => out.push(chunk));
  return out;
}

describe('createTickCoalescer', () => {
  it('joins the chunks of one tick into one and keeps chunks of later ticks apart', async () => {
    const coalescer = createTickCoalescer();
    const out = collect(coalescer);
    for (const event of ['data: a\n\n', 'data: b\n\n', 'data: c\n\n']) coalescer.write(event);
    await nextTurn();
    expect(out.map(String)).toEqual(['data: a\n\ndata: b\n\ndata: c\n\n']);
    coalescer.write('data: d\n\n');
    await nextTurn();
    expect(out.map(String)).toEqual(['data: a\n\ndata: b\n\ndata: c\n\n', 'data: d\n\n']);
  });

  it('delivers a lone chunk within the same turn of the event loop (no added wait)', async () => {
    const coalescer = createTickCoalescer();
    const out = collect(coalescer);
    coalescer.write('data: now\n\n');
    await Promise.resolve();
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(out.map(String)).toEqual(['data: now\n\n']);
  });

  it('sends what is left at the end, before it ends', async () => {
    const coalescer = createTickCoalescer();
    const out = collect(coalescer);
    const ended = new Promise((resolve) => coalescer.once('end', resolve));
    coalescer.write('x');
    coalescer.end('y');
    await ended;
    expect(Buffer.concat(out).toString()).toBe('xy');
  });

  it('holds the writer back while nobody reads, and loses nothing once read', async () => {
    const coalescer = createTickCoalescer();
    const chunk = Buffer.alloc(1024, 'e');
    let accepted = 0;
    while (coalescer.write(chunk)) {
      accepted++;
      if (accepted > 1000) throw new Error('write() never asked the writer to wait');
    }
    await nextTurn();
    expect(coalescer.readableLength).toBeLessThanOrEqual(coalescer.readableHighWaterMark + 64 * 1024);
    let received = 0;
    const sink = new Writable({
      highWaterMark: 1,
      write(data: Buffer, _encoding, callback) {
        received += data.length;
        setImmediate(callback);
      },
    });
    const source = async function* () {
      for (let index = 0; index < 2000; index++) yield chunk;
    };
    const piped = pipeline(coalescer, sink);
    await pipeline(source, async function* (chunks) {
      for await (const piece of chunks) {
        if (!coalescer.write(piece)) await new Promise((resolve) => coalescer.once('drain', resolve));
      }
      coalescer.end();
    });
    await piped;
    expect(received).toBe((accepted + 1 + 2000) * 1024);
  });
});
