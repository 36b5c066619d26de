import { describe, expect, it } from 'vitest';
import { significanceSentence } from './compareText';

describe('significanceSentence', () => {
  it('states fewer passes and a non-significant p', () => {
    expect(significanceSentence(6, 0, 0.03125, true)).toBe(
      "B passes 6 fewer items than A (6 regressions, 0 improvements); McNemar's exact test p = 0.0313 — significant at the 5% level (a regression).",
    );
    expect(significanceSentence(6, 4, 0.75390625, false)).toBe(
      "B passes 2 fewer items than A (6 regressions, 4 improvements); McNemar's exact test p = 0.7539 — not significant at the 5% level.",
    );
  });
  it('handles improvements, ties and no change', () => {
    expect(significanceSentence(0, 1, 1, false)).toMatch(/^B passes 1 more item than A \(0 regressions, 1 improvement\)/);
    expect(significanceSentence(2, 2, 1, false)).toMatch(/^B passes as many items as A/);
    expect(significanceSentence(0, 0, 1, false)).toMatch(/nothing to test/);
  });
  it('writes tiny p-values in exponent form', () => {
    expect(significanceSentence(20, 0, 0.0000019, true)).toContain('p = 1.9e-6');
  });
});
