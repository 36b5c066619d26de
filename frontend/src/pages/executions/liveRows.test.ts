import { describe, expect, it } from 'vitest';
import { mergeLive, type LiveRow } from './liveRows';

const row = (id: string, status: string, createdAt: string, promptId = 'p1'): LiveRow => ({ id, status, createdAt, prompt: { id: promptId } });

describe('mergeLive', () => {
  const page = [row('b', 'RUNNING', '2026-01-01T00:00:02Z'), row('a', 'SUCCEEDED', '2026-01-01T00:00:01Z')];

  it('updates shown rows and puts new ones on top of the first page', () => {
    const live = new Map([
      ['b', row('b', 'SUCCEEDED', '2026-01-01T00:00:02Z')],
      ['c', row('c', 'PENDING', '2026-01-01T00:00:03Z')],
    ]);
    const { rows, added } = mergeLive(page, live, { status: null, promptId: null }, true);
    expect(rows.map((r) => `${r.id}:${r.status}`)).toEqual(['c:PENDING', 'b:SUCCEEDED', 'a:SUCCEEDED']);
    expect(added).toBe(1);
  });

  it('keeps new rows that do not match the filters out, and off later pages', () => {
    const live = new Map([['c', row('c', 'PENDING', '2026-01-01T00:00:03Z', 'p2')]]);
    expect(mergeLive(page, live, { status: null, promptId: 'p1' }, true).added).toBe(0);
    expect(mergeLive(page, live, { status: null, promptId: null }, false).added).toBe(0);
    expect(mergeLive(page, live, { status: 'FAILED', promptId: null }, true).added).toBe(0);
  });
});
