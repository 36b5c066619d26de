import { describe, expect, it } from 'vitest';
import { coverageNote, readPages, type PageRead } from './resultPages';

function pages(list: PageRead<number, string>[]) {
  const asked: (string | null)[] = [];
  let i = 0;
  const fetchPage = (after: string | null) => {
    asked.push(after);
    return Promise.resolve(list[i++] ?? { error: 'no more pages scripted' });
  };
  return { asked, fetchPage };
}

describe('readPages', () => {
  it('reads every page, following the cursors', async () => {
    const p = pages([
      { nodes: [1, 2], hasNextPage: true, endCursor: 'a' },
      { nodes: [3], hasNextPage: false, endCursor: 'b' },
    ]);
    expect(await readPages(p.fetchPage, 100)).toEqual({ items: [1, 2, 3], incomplete: false, error: undefined });
    expect(p.asked).toEqual([null, 'a']);
  });

  it('keeps the error of a failed page and marks the items incomplete', async () => {
    const p = pages([{ nodes: [1, 2], hasNextPage: true, endCursor: 'a' }, { error: 'RATE_LIMITED' }]);
    expect(await readPages(p.fetchPage, 100)).toEqual({ items: [1, 2], incomplete: true, error: 'RATE_LIMITED' });
  });

  it('fails on the first page too', async () => {
    const p = pages([{ error: 'RESPONSE_TOO_LARGE' }]);
    expect(await readPages(p.fetchPage, 100)).toEqual({ items: [], incomplete: true, error: 'RESPONSE_TOO_LARGE' });
  });

  it('stops at the cap, incomplete', async () => {
    const p = pages([
      { nodes: [1, 2], hasNextPage: true, endCursor: 'a' },
      { nodes: [3, 4], hasNextPage: true, endCursor: 'b' },
    ]);
    expect(await readPages(p.fetchPage, 3)).toEqual({ items: [1, 2, 3, 4], incomplete: true, error: undefined });
  });

  it('returns null when abandoned', async () => {
    const p = pages([{ nodes: [1], hasNextPage: false }]);
    expect(await readPages(p.fetchPage, 10, () => true)).toBeNull();
  });
});

describe('coverageNote', () => {
  it('says nothing when complete, N of M otherwise', () => {
    expect(coverageNote(10, 10, false)).toBeNull();
    expect(coverageNote(100, 250, true)).toBe('Distributions are incomplete: based on 100 of 250 items.');
    expect(coverageNote(0, 0, true)).toBe('Distributions are incomplete: based on 0 of 0 items.');
  });
});
