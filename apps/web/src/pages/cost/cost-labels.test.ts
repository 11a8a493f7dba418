import { describe, expect, it } from 'vitest';
import { dayRange, formatTick } from './cost-labels';

describe('dayRange', () => {
  it('lists each UTC day from the start to the end, both included', () => {
    expect(dayRange('2026-02-27T00:00:00.000Z', '2026-03-02T15:30:00.000Z')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('gives one day for a day window and none when the end is before the start', () => {
    expect(dayRange('2026-05-04T00:00:00.000Z', '2026-05-04T23:59:59.000Z')).toEqual(['2026-05-04']);
    expect(dayRange('2026-05-04T00:00:00.000Z', '2026-05-03T10:00:00.000Z')).toEqual([]);
  });
});

describe('formatTick', () => {
  it('prints short dollar and token labels', () => {
    expect(formatTick(0.25, 'cost')).toBe('$0.25');
    expect(formatTick(1500, 'cost')).toBe('$1.5K');
    expect(formatTick(12_000, 'tokens')).toBe('12K');
  });
});
