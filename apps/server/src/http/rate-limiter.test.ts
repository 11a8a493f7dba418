import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows N requests per key per minute, then says how long to wait', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter(2, () => now);
    expect(limiter.check('a').allowed).toBe(true);
    expect(limiter.check('a').allowed).toBe(true);
    now += 15_000;
    expect(limiter.check('a')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.check('b').allowed).toBe(true);
    now += 45_000;
    expect(limiter.check('a').allowed).toBe(true);
    limiter.dispose();
  });
});
