// Side-by-side diff rows: a removed line on the left faces the added line that replaced it on
// the right; unchanged lines face each other. Works from two texts (a line-level LCS) or from
// the server's hunks (`diffPromptVersions`), which already say what was added and removed.

export type LineKind = 'same' | 'removed' | 'added';

export interface Cell {
  /** 1-based line number in its own side's text. */
  line: number;
  text: string;
  kind: LineKind;
}

/** One row of the side-by-side view; a side is null where the other side has no counterpart. */
export interface Row {
  left: Cell | null;
  right: Cell | null;
}

export interface Hunk {
  kind: 'ADDED' | 'REMOVED' | 'UNCHANGED';
  lines: readonly string[];
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n/g, '\n').split('\n');
}

/** A line-level diff of two texts as hunks (longest common subsequence). */
export function diffTexts(a: string, b: string): Hunk[] {
  const left = splitLines(a);
  const right = splitLines(b);
  const n = left.length;
  const m = right.length;
  // lcs[i][j]: length of the LCS of left[i..] and right[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i]![j] = left[i] === right[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const hunks: Hunk[] = [];
  const push = (kind: Hunk['kind'], line: string) => {
    const last = hunks[hunks.length - 1];
    if (last && last.kind === kind) (last.lines as string[]).push(line);
    else hunks.push({ kind, lines: [line] });
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] === right[j]) {
      push('UNCHANGED', left[i]!);
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals come before additions within a changed run.
      push('REMOVED', left[i]!);
      i += 1;
    } else {
      push('ADDED', right[j]!);
      j += 1;
    }
  }
  return hunks;
}

/** Aligns hunks into rows: each run of removals is paired line by line with the additions after it. */
export function alignHunks(hunks: readonly Hunk[]): Row[] {
  const rows: Row[] = [];
  let leftNo = 0;
  let rightNo = 0;
  let removed: Cell[] = [];
  let added: Cell[] = [];
  const flush = () => {
    const count = Math.max(removed.length, added.length);
    for (let k = 0; k < count; k += 1) {
      rows.push({ left: removed[k] ?? null, right: added[k] ?? null });
    }
    removed = [];
    added = [];
  };
  for (const hunk of hunks) {
    for (const text of hunk.lines) {
      if (hunk.kind === 'UNCHANGED') {
        flush();
        leftNo += 1;
        rightNo += 1;
        rows.push({ left: { line: leftNo, text, kind: 'same' }, right: { line: rightNo, text, kind: 'same' } });
      } else if (hunk.kind === 'REMOVED') {
        // A removal after additions starts a new change block.
        if (added.length > 0) flush();
        leftNo += 1;
        removed.push({ line: leftNo, text, kind: 'removed' });
      } else {
        rightNo += 1;
        added.push({ line: rightNo, text, kind: 'added' });
      }
    }
  }
  flush();
  return rows;
}

/** Two texts straight to side-by-side rows. */
export function sideBySide(a: string, b: string): Row[] {
  return alignHunks(diffTexts(a, b));
}

/** The marker a screen reader and a colour-blind reader both get: `-`, `+` or a space. */
export function markerOf(kind: LineKind): string {
  return kind === 'removed' ? '−' : kind === 'added' ? '+' : ' ';
}
