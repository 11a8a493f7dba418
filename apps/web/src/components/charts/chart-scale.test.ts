import { describe, expect, it } from 'vitest';
import { labelStride, niceScale } from './chart-scale';

describe('niceScale', () => {
  it('rounds the top up to a round step and lists every tick from zero', () => {
    expect(niceScale(7.3)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(100)).toEqual({ max: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(1234)).toEqual({ max: 1500, ticks: [0, 500, 1000, 1500] });
  });

  it('keeps small dollar amounts exact instead of drifting in floating point', () => {
    expect(niceScale(0.0031)).toEqual({ max: 0.004, ticks: [0, 0.001, 0.002, 0.003, 0.004] });
    expect(niceScale(0.3)).toEqual({ max: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
  });

  it('uses whole steps for integer measures such as tokens', () => {
    expect(niceScale(3, 4, true)).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(0.4, 4, true)).toEqual({ max: 1, ticks: [0, 1] });
  });

  it('gives a unit axis when there is nothing to show', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(Number.NaN)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(-5)).toEqual({ max: 1, ticks: [0, 1] });
  });

  it('always reaches the value it was given', () => {
    for (const value of [0.07, 1, 9.99, 42, 999, 123_456, 8_000_000]) {
      const scale = niceScale(value);
      expect(scale.max).toBeGreaterThanOrEqual(value);
      expect(scale.ticks.length).toBeLessThanOrEqual(7);
      expect(scale.ticks.at(-1)).toBe(scale.max);
    }
  });
});

describe('labelStride', () => {
  it('skips labels only when they would be closer than the minimum spacing', () => {
    expect(labelStride(7, 700, 40)).toBe(1);
    expect(labelStride(31, 300, 28)).toBe(3);
    expect(labelStride(0, 300, 28)).toBe(1);
  });
});
