import { markerOf, type Cell, type Row } from './sideBySide';

const WORDS = { removed: 'Removed', added: 'Added', same: 'Unchanged' } as const;

function Side({ cell }: { cell: Cell | null }) {
  if (!cell) {
    return (
      <>
        <td className="diff-no" />
        <td className="diff-empty">
          <span className="visually-hidden">no line</span>
        </td>
      </>
    );
  }
  return (
    <>
      <td className="diff-no mono">{cell.line}</td>
      <td className={`diff-cell diff-${cell.kind}`} data-kind={cell.kind}>
        <span className="diff-marker" aria-hidden="true">
          {markerOf(cell.kind)}
        </span>
        {cell.kind !== 'same' ? <span className="visually-hidden">{WORDS[cell.kind]}: </span> : null}
        <code>{cell.text === '' ? ' ' : cell.text}</code>
      </td>
    </>
  );
}

/** Rows of a side-by-side diff: A on the left, B on the right, markers as text and colour. */
export function SideBySide({ rows, leftTitle, rightTitle, caption }: { rows: Row[]; leftTitle: string; rightTitle: string; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="diff-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="diff-no">
              <span className="visually-hidden">{leftTitle} line</span>
            </th>
            <th scope="col">{leftTitle}</th>
            <th scope="col" className="diff-no">
              <span className="visually-hidden">{rightTitle} line</span>
            </th>
            <th scope="col">{rightTitle}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                (empty)
              </td>
            </tr>
          ) : (
            rows.map((row, i) => (
              <tr key={i}>
                <Side cell={row.left} />
                <Side cell={row.right} />
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
