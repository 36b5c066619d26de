// Merging the live feed (`orgExecutionUpdates`) into a page of executions: rows already shown
// take the newer state; on the first page, executions created after the page was loaded
// and matching its filters appear on top, newest first.

export interface LiveRow {
  id: string;
  status: string;
  createdAt: string;
  prompt: { id: string } | null;
}

export interface Filters {
  status: string | null;
  promptId: string | null;
}

export function matches(row: LiveRow, filters: Filters): boolean {
  if (filters.status && row.status !== filters.status) return false;
  if (filters.promptId && row.prompt?.id !== filters.promptId) return false;
  return true;
}

export function mergeLive<T extends LiveRow>(page: readonly T[], live: ReadonlyMap<string, T>, filters: Filters, firstPage: boolean): { rows: T[]; added: number } {
  const shown = new Set(page.map((r) => r.id));
  const rows = page.map((r) => live.get(r.id) ?? r);
  if (!firstPage) return { rows, added: 0 };
  const newest = page[0]?.createdAt ?? '';
  const fresh = [...live.values()]
    .filter((r) => !shown.has(r.id) && r.createdAt >= newest && matches(r, filters))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return { rows: [...fresh, ...rows], added: fresh.length };
}
