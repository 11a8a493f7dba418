/** In-process FIFO locks by key. `acquire` resolves once every earlier holder of the key has released. */
export interface KeyedMutex {
  acquire(key: string): Promise<() => void>;
  /** Keys held or waited for (for tests and leak checks). */
  readonly size: number;
}

export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>();
  return {
    get size() {
      return tails.size;
    },
    async acquire(key) {
      const previous = tails.get(key) ?? Promise.resolve();
      let unlock!: () => void;
      const held = new Promise<void>((resolve) => {
        unlock = resolve;
      });
      const tail = previous.then(() => held);
      tails.set(key, tail);
      await previous;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (tails.get(key) === tail) tails.delete(key);
        unlock();
      };
    },
  };
}
