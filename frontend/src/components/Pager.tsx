/** Previous / next buttons with the page number and the total. */
const count = (total: number, noun: string) => `${total} ${total === 1 ? noun.replace(/s$/, '') : noun}`;

export function Pager({
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  total,
  noun,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  total?: number;
  noun: string;
}) {
  if (!hasPrevious && !hasNext) {
    return total !== undefined ? <p className="muted pager">{count(total, noun)}</p> : null;
  }
  return (
    <nav className="pager" aria-label={`${noun} pages`}>
      <button type="button" className="btn btn-small" onClick={onPrevious} disabled={!hasPrevious}>
        Previous
      </button>
      <span className="muted">
        Page {page}
        {total !== undefined ? ` · ${count(total, noun)}` : ''}
      </span>
      <button type="button" className="btn btn-small" onClick={onNext} disabled={!hasNext}>
        Next
      </button>
    </nav>
  );
}
