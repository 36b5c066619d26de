export interface ProgressCounts {
  total: number;
  completed: number;
  passed: number;
  failed: number;
  errored: number;
}

/**
 * Which step of the progress a screen reader hears about: one per 10 % of the items, and the
 * end. The live region changes only when this does, not after every item.
 */
export function progressStep(completed: number, total: number, running: boolean): string {
  if (!running) return 'end';
  if (total <= 0) return '0';
  return String(Math.min(10, Math.floor((completed * 10) / total)));
}

export function progressText({ total, completed, passed, failed, errored }: ProgressCounts, running: boolean): string {
  return `${completed} of ${total} done${running ? ' so far' : ''} · ${passed} passed · ${failed} failed · ${errored} errors`;
}
