import { describe, expect, it } from 'vitest';
import { histogram, niceMax } from './chartMath';

describe('histogram', () => {
  it('counts values into equal bins, the top value in the last', () => {
    const bins = histogram([0, 0.1, 0.5, 1, 1], 4, [0, 1]);
    expect(bins.map((b) => b.count)).toEqual([2, 0, 1, 2]);
    expect(bins[0]!.label).toBe('0–0.25');
  });
  it('handles one distinct value and no values', () => {
    expect(histogram([5, 5], 2).map((b) => b.count)).toEqual([2, 0]);
    expect(histogram([], 3)).toEqual([]);
  });
});

describe('niceMax', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(7)).toBe(10);
    expect(niceMax(130)).toBe(200);
    expect(niceMax(0.3)).toBe(0.5);
    expect(niceMax(0)).toBe(1);
  });
});
