import { describe, expect, it } from 'vitest';
import { createKeyedMutex } from './keyed-mutex.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('keyed mutex', () => {
  it('hands a key to waiters in order, one at a time', async () => {
    const mutex = createKeyedMutex();
    const order: string[] = [];
    const first = await mutex.acquire('k');
    const second = mutex.acquire('k').then((release) => {
      order.push('second');
      return release;
    });
    const third = mutex.acquire('k').then((release) => {
      order.push('third');
      return release;
    });
    await settle();
    expect(order).toEqual([]);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(mutex.size).toBe(0);
  });

  it('keeps keys independent and ignores a second release', async () => {
    const mutex = createKeyedMutex();
    const a = await mutex.acquire('a');
    const b = await mutex.acquire('b');
    a();
    const next = await mutex.acquire('a');
    let taken = false;
    const after = mutex.acquire('a').then((release) => {
      taken = true;
      return release;
    });
    a(); // a stale release must not free the current holder
    await settle();
    expect(taken).toBe(false);
    next();
    (await after)();
    b();
    expect(mutex.size).toBe(0);
  });
});
