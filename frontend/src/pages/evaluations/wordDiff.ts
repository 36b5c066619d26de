/** A word-level diff (longest common subsequence over words and the spaces between them). */
export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

export function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** Parts turning `before` into `after`; adjacent parts of one kind are merged. */
export function wordDiff(before: string, after: string, maxTokens = 4000): DiffPart[] {
  let a = tokens(before);
  let b = tokens(after);
  // Common prefix and suffix need no table.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const prefix = a.slice(0, start).join('');
  const suffix = a.slice(endA).join('');
  a = a.slice(start, endA);
  b = b.slice(start, endB);
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('same', prefix);
  if (a.length * b.length > maxTokens * maxTokens) {
    // Too long to compare word by word: all of one, then all of the other.
    push('removed', a.join(''));
    push('added', b.join(''));
  } else {
    const n = a.length;
    const m = b.length;
    const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i -= 1) {
      const row = table[i]!;
      const below = table[i + 1]!;
      for (let j = m - 1; j >= 0; j -= 1) {
        row[j] = a[i] === b[j] ? below[j + 1]! + 1 : Math.max(below[j]!, row[j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) {
        push('same', a[i]!);
        i += 1;
        j += 1;
      } else if (table[i + 1]![j]! >= table[i]![j + 1]!) {
        push('removed', a[i]!);
        i += 1;
      } else {
        push('added', b[j]!);
        j += 1;
      }
    }
    while (i < n) push('removed', a[i++]!);
    while (j < m) push('added', b[j++]!);
  }
  push('same', suffix);
  return parts;
}

/** A JSON value as text for diffing (strings as they are). */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}
