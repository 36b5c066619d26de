/** One page of a cursor connection as read: its nodes, or the error that stopped it. */
export interface PageRead<T, E> {
  nodes?: readonly T[];
  hasNextPage?: boolean;
  endCursor?: string | null;
  error?: E;
}

export interface PagesRead<T, E> {
  items: T[];
  /** More results exist than were read (the cap was reached, or a page failed). */
  incomplete: boolean;
  /** The error of the page that failed, if one did: the items before it are kept. */
  error: E | undefined;
}

/**
 * Reads a connection page by page up to `max` items. A failed page (RATE_LIMITED,
 * RESPONSE_TOO_LARGE, …) ends the reading with its error and the result marked incomplete,
 * never passed off as all there is. `stopped()` abandons the reading (returns null).
 */
export async function readPages<T, E>(
  fetchPage: (after: string | null) => Promise<PageRead<T, E>>,
  max: number,
  stopped: () => boolean = () => false,
): Promise<PagesRead<T, E> | null> {
  const items: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page: PageRead<T, E> = await fetchPage(after);
    if (stopped()) return null;
    if (page.error !== undefined || !page.nodes) {
      return { items, incomplete: true, error: page.error };
    }
    items.push(...page.nodes);
    if (!page.hasNextPage) return { items, incomplete: false, error: undefined };
    if (items.length >= max || !page.endCursor) return { items, incomplete: true, error: undefined };
    after = page.endCursor;
  }
}

/** The note under the charts when the distributions do not cover every result. */
export function coverageNote(read: number, total: number, incomplete: boolean): string | null {
  if (!incomplete) return null;
  return `Distributions are incomplete: based on ${read} of ${Math.max(read, total)} items.`;
}
