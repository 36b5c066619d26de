/** Previous / next buttons with the page number and the total. */
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
    return total !== undefined ? <p className="muted pager">{`${total} ${noun}`}</p> : null;
  }
  return (
    <nav className="pager" aria-label={`${noun} pages`}>
      <button type="button" className="btn btn-small" onClick={onPrevious} disabled={!hasPrevious}>
        Previous
      </button>
      <span className="muted">
        Page {page}
        {total !== undefined ? ` · ${total} ${noun}` : ''}
      </span>
      <button type="button" className="btn btn-small" onClick={onNext} disabled={!hasNext}>
        Next
      </button>
    </nav>
  );
}
