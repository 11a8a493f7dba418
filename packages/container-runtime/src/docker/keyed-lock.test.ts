import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyed-lock.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createKeyedLock', () => {
  it('runs tasks of one key one after another, even when one fails', async () => {
    const lock = createKeyedLock();
    const order: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        order.push(`start ${name}`);
        await pause(10);
        order.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      lock('a', task('1', true)),
      lock('a', task('2')),
      lock('a', task('3')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const lock = createKeyedLock();
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(`start ${name}`);
      await pause(10);
      order.push(`end ${name}`);
    };
    await Promise.all([lock('a', task('a')), lock('b', task('b'))]);
    expect(order.slice(0, 2)).toEqual(['start a', 'start b']);
  });
});
