/** Where targets' variables come from when the dataset's input names differ. */
export interface MappingRow {
  variable: string;
  from: string;
}

const FROM = /^(inputs\.[^.\s]+|metadata\.[^.\s]+|expected)$/;

export function mappingProblems(rows: MappingRow[]): string[] {
  return rows.flatMap((r, i) => {
    if (!r.variable.trim() && !r.from.trim()) return [];
    const problems: string[] = [];
    if (!r.variable.trim()) problems.push(`Mapping ${i + 1}: name the variable.`);
    if (!FROM.test(r.from.trim())) problems.push(`Mapping ${i + 1}: “from” is inputs.<key>, metadata.<key> or expected.`);
    return problems;
  });
}

export function mappingInput(rows: MappingRow[]) {
  return rows.filter((r) => r.variable.trim() && r.from.trim()).map((r) => ({ variable: r.variable.trim(), from: r.from.trim() }));
}

export function VariableMapping({ rows, onChange }: { rows: MappingRow[]; onChange: (rows: MappingRow[]) => void }) {
  const set = (i: number, patch: Partial<MappingRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="ev-fieldset">
      <legend>Variable mapping</legend>
      <p className="muted ev-small">Unmapped variables take the item’s input of the same name.</p>
      {rows.map((r, i) => (
        <div className="row ev-wrap" key={i}>
          <label className="field">
            <span>Mapping {i + 1} variable</span>
            <input value={r.variable} onChange={(e) => set(i, { variable: e.target.value })} placeholder="question" />
          </label>
          <label className="field">
            <span>Mapping {i + 1} from</span>
            <input value={r.from} onChange={(e) => set(i, { from: e.target.value })} placeholder="inputs.q" />
          </label>
          <button type="button" className="btn btn-small btn-ghost ev-remove" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove mapping {i + 1}
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...rows, { variable: '', from: '' }])}>
        Add variable mapping
      </button>
    </fieldset>
  );
}
