// Which one item (node or edge) is selected after a batch of React Flow selection changes.

export interface SelectChange {
  id: string;
  selected: boolean;
}

/**
 * React Flow reports a selection as one batch of changes in node order (deselecting the old
 * item may come after selecting the new one), so the batch is read as a whole: an item the
 * batch selects wins (the last one, when several); otherwise a batch that deselects the
 * current item clears it. `undefined`: the selection does not change.
 */
export function pickSelection(changes: readonly SelectChange[], current: string | null): string | null | undefined {
  let picked: string | null | undefined;
  for (const c of changes) {
    if (c.selected) picked = c.id;
  }
  if (picked !== undefined) return picked === current ? undefined : picked;
  if (current !== null && changes.some((c) => c.id === current && !c.selected)) return null;
  return undefined;
}
