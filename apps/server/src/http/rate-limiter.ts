export interface RateLimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  check(key: string): RateLimitDecision;
  dispose(): void;
}

/** Fixed one-minute windows per key, in memory; expired windows are swept every minute. */
export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const windowMs = 60_000;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const sweep = setInterval(() => {
    const current = now();
    for (const [key, window] of windows) if (window.resetAt <= current) windows.delete(key);
  }, windowMs);
  sweep.unref();
  return {
    check(key) {
      const current = now();
      let window = windows.get(key);
      if (!window || window.resetAt <= current) {
        window = { count: 0, resetAt: current + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return {
        allowed: window.count <= perMinute,
        retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - current) / 1000)),
      };
    },
    dispose() {
      clearInterval(sweep);
      windows.clear();
    },
  };
}
