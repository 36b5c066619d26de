import { describe, expect, it } from 'vitest';
import { progressStep, progressText } from './progressAnnounce';

describe('progressStep', () => {
  it('changes once per 10 % of the items, not per item', () => {
    const steps = new Set<string>();
    let changes = 0;
    let last = '';
    for (let done = 0; done <= 200; done++) {
      const step = progressStep(done, 200, true);
      if (step !== last) changes++;
      last = step;
      steps.add(step);
    }
    expect(changes).toBe(11); // 0 %, 10 %, …, 100 %
    expect(steps.size).toBe(11);
  });

  it('always announces the end', () => {
    expect(progressStep(3, 10, false)).toBe('end');
    expect(progressStep(10, 10, false)).not.toBe(progressStep(10, 10, true));
  });

  it('copes with no items', () => {
    expect(progressStep(0, 0, true)).toBe('0');
  });
});

describe('progressText', () => {
  it('reads the counts', () => {
    expect(progressText({ total: 10, completed: 4, passed: 3, failed: 1, errored: 0 }, true)).toBe(
      '4 of 10 done so far · 3 passed · 1 failed · 0 errors',
    );
  });
});
