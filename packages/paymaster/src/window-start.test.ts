import { describe, expect, it } from 'vitest';
import { windowStart } from './window-start.js';

const start = (window: 'day' | 'week' | 'month', iso: string) =>
  windowStart(window, new Date(iso)).toISOString();

describe('windowStart', () => {
  it('starts a day at UTC midnight', () => {
    expect(start('day', '2025-03-09T23:59:59.999Z')).toBe('2025-03-09T00:00:00.000Z');
    expect(start('day', '2025-03-10T00:00:00.000Z')).toBe('2025-03-10T00:00:00.000Z');
    expect(start('day', '2025-03-10T01:30:00.000+05:00')).toBe('2025-03-09T00:00:00.000Z');
  });

  it('starts a week on the ISO Monday, across month and year ends', () => {
    expect(start('week', '2025-03-09T23:59:59.999Z')).toBe('2025-03-03T00:00:00.000Z'); // Sunday
    expect(start('week', '2025-03-10T00:00:00.000Z')).toBe('2025-03-10T00:00:00.000Z'); // Monday
    expect(start('week', '2025-03-12T12:00:00.000Z')).toBe('2025-03-10T00:00:00.000Z'); // Wednesday
    expect(start('week', '2025-01-01T08:00:00.000Z')).toBe('2024-12-30T00:00:00.000Z'); // Wednesday
    expect(start('week', '2025-06-01T00:00:00.000Z')).toBe('2025-05-26T00:00:00.000Z'); // Sunday
  });

  it('starts a month on its first day', () => {
    expect(start('month', '2025-02-28T23:59:59.999Z')).toBe('2025-02-01T00:00:00.000Z');
    expect(start('month', '2024-02-29T12:00:00.000Z')).toBe('2024-02-01T00:00:00.000Z');
    expect(start('month', '2025-03-01T00:00:00.000Z')).toBe('2025-03-01T00:00:00.000Z');
    expect(start('month', '2025-01-01T00:00:00.000Z')).toBe('2025-01-01T00:00:00.000Z');
  });
});
