import { describe, expect, it } from 'vitest';
import { alignHunks, diffTexts, sideBySide, splitLines } from './sideBySide';

describe('splitLines', () => {
  it('treats an empty text as no lines and CRLF as LF', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a\r\nb')).toEqual(['a', 'b']);
  });
});

describe('diffTexts', () => {
  it('finds unchanged, removed and added runs', () => {
    expect(diffTexts('a\nb\nc', 'a\nx\nc')).toEqual([
      { kind: 'UNCHANGED', lines: ['a'] },
      { kind: 'REMOVED', lines: ['b'] },
      { kind: 'ADDED', lines: ['x'] },
      { kind: 'UNCHANGED', lines: ['c'] },
    ]);
  });

  it('handles one side empty', () => {
    expect(diffTexts('', 'a\nb')).toEqual([{ kind: 'ADDED', lines: ['a', 'b'] }]);
    expect(diffTexts('a', '')).toEqual([{ kind: 'REMOVED', lines: ['a'] }]);
    expect(diffTexts('', '')).toEqual([]);
  });
});

describe('alignHunks', () => {
  it('puts a replaced line beside its replacement with line numbers per side', () => {
    const rows = sideBySide('Hello {{ topic }}\nBye', 'Hi {{ topic }}!\nBye');
    expect(rows).toEqual([
      {
        left: { line: 1, text: 'Hello {{ topic }}', kind: 'removed' },
        right: { line: 1, text: 'Hi {{ topic }}!', kind: 'added' },
      },
      { left: { line: 2, text: 'Bye', kind: 'same' }, right: { line: 2, text: 'Bye', kind: 'same' } },
    ]);
  });

  it('leaves a gap on the shorter side of an uneven change', () => {
    const rows = alignHunks([
      { kind: 'UNCHANGED', lines: ['a'] },
      { kind: 'REMOVED', lines: ['b'] },
      { kind: 'ADDED', lines: ['c', 'd'] },
    ]);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({ left: { line: 2, text: 'b', kind: 'removed' }, right: { line: 2, text: 'c', kind: 'added' } });
    expect(rows[2]).toEqual({ left: null, right: { line: 3, text: 'd', kind: 'added' } });
  });

  it('keeps pure additions and removals on their own side', () => {
    expect(alignHunks([{ kind: 'ADDED', lines: ['x'] }])).toEqual([{ left: null, right: { line: 1, text: 'x', kind: 'added' } }]);
    expect(alignHunks([{ kind: 'REMOVED', lines: ['x'] }])).toEqual([{ left: { line: 1, text: 'x', kind: 'removed' }, right: null }]);
  });

  it('does not pair a removal with additions that came before it', () => {
    const rows = alignHunks([
      { kind: 'ADDED', lines: ['new'] },
      { kind: 'REMOVED', lines: ['old'] },
    ]);
    expect(rows).toEqual([
      { left: null, right: { line: 1, text: 'new', kind: 'added' } },
      { left: { line: 1, text: 'old', kind: 'removed' }, right: null },
    ]);
  });
});
