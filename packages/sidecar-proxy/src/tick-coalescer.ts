import { Transform } from 'node:stream';

/**
 * A pass-through that joins the chunks written in one tick into one chunk, pushed on the next tick. A
 * streamed answer can arrive as many small chunks per socket read; relayed one by one, each costs a write
 * and a chunked-encoding frame to the agent. Joined, they cost one, and no event waits past the current
 * tick. Backpressure holds: once a batch would fill the readable side it is pushed at once, which makes
 * the Transform hold the writer back until it is read. (The gateway joins the same way as it reads from
 * the provider, in its own upstream client: feature packages do not import each other.)
 */
export function createTickCoalescer(): Transform {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let scheduled = false;
  const send = () => {
    scheduled = false;
    if (batch.length === 0) return;
    const chunk = batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    coalescer.push(chunk);
  };
  const coalescer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      batch.push(chunk);
      batchBytes += chunk.length;
      const full = coalescer.readableLength + batchBytes >= coalescer.readableHighWaterMark;
      if (full) send();
      else if (!scheduled) {
        scheduled = true;
        process.nextTick(send);
      }
      callback();
    },
    flush(callback) {
      send();
      callback();
    },
  });
  return coalescer;
}
