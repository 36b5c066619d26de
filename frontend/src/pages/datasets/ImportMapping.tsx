import type { ColumnMapping, ColumnRole, ItemRow } from './importParse';

const ROLES: { value: ColumnRole; label: string }[] = [
  { value: 'input', label: 'Input variable' },
  { value: 'expected', label: 'Expected output' },
  { value: 'metadata', label: 'Metadata' },
  { value: 'ignore', label: 'Ignore' },
];

/** For each column: what it becomes (and an input's variable name), with the first items it makes. */
export function ImportMapping({
  mapping,
  onChange,
  items,
  problems,
  note,
}: {
  mapping: ColumnMapping[];
  onChange: (mapping: ColumnMapping[]) => void;
  items: ItemRow[];
  problems: string[];
  note: string;
}) {
  const set = (index: number, patch: Partial<ColumnMapping>) =>
    onChange(mapping.map((m, i) => (i === index ? { ...m, ...patch } : m)));
  return (
    <section className="card" aria-labelledby="imp-mapping">
      <h2 id="imp-mapping">3. Column mapping</h2>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">What each column becomes</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Becomes</th>
              <th scope="col">Variable name</th>
            </tr>
          </thead>
          <tbody>
            {mapping.map((m, i) => (
              <tr key={m.column}>
                <th scope="row" className="mono">
                  {m.column}
                </th>
                <td>
                  <select aria-label={`Role of column ${m.column}`} value={m.role} onChange={(e) => set(i, { role: e.target.value as ColumnRole })}>
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {m.role === 'input' ? (
                    <input aria-label={`Variable name for column ${m.column}`} value={m.name} onChange={(e) => set(i, { name: e.target.value })} />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problems.length > 0 ? (
        <ul className="state error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <p className="muted">{note}</p>
      {items.length > 0 ? (
        <>
          <h3>The first items</h3>
          <pre className="imp-items" aria-label="The first items as they will be stored">
            {items.map((item) => JSON.stringify(item)).join('\n')}
          </pre>
        </>
      ) : null}
    </section>
  );
}
