import { defaultName, EVALUATOR_TYPES, initialValues, type EvaluatorForm, type FieldDef } from './evaluatorSpec';

export interface SavedOption {
  name: string;
  description: string;
}

/** One evaluator of a new run: a saved one by name, or a kind with its settings. */
export function EvaluatorEditor({
  index,
  form,
  saved,
  onChange,
  onRemove,
}: {
  index: number;
  form: EvaluatorForm;
  saved: SavedOption[];
  onChange: (form: EvaluatorForm) => void;
  onRemove?: () => void;
}) {
  const label = `Evaluator ${index + 1}`;
  const set = (patch: Partial<EvaluatorForm>) => onChange({ ...form, ...patch });
  const def = EVALUATOR_TYPES[form.type];
  return (
    <fieldset className="ev-fieldset">
      <legend>{label}</legend>
      <div className="row ev-wrap">
        <label className="field">
          <span>{label} source</span>
          <select value={form.source} onChange={(e) => set({ source: e.target.value as EvaluatorForm['source'] })}>
            <option value="spec">Define here</option>
            <option value="saved" disabled={saved.length === 0}>
              Saved evaluator{saved.length === 0 ? ' (none saved)' : ''}
            </option>
          </select>
        </label>
        {form.source === 'saved' ? (
          <label className="field">
            <span>{label} saved evaluator</span>
            <select value={form.saved} onChange={(e) => set({ saved: e.target.value })}>
              <option value="">Choose…</option>
              {saved.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                  {s.description ? ` — ${s.description}` : ''}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <>
            <label className="field">
              <span>{label} type</span>
              <select
                value={form.type}
                onChange={(e) => {
                  const type = e.target.value;
                  // Keep a name the person typed; follow the type otherwise.
                  const name = form.name === defaultName(form.type) || form.name.trim() === '' ? defaultName(type) : form.name;
                  set({ type, name, values: initialValues(type) });
                }}
              >
                {Object.entries(EVALUATOR_TYPES).map(([type, d]) => (
                  <option key={type} value={type}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{label} name</span>
              <input value={form.name} onChange={(e) => set({ name: e.target.value })} />
            </label>
          </>
        )}
        {onRemove ? (
          <button type="button" className="btn btn-small btn-ghost ev-remove" onClick={onRemove}>
            Remove {label.toLowerCase()}
          </button>
        ) : null}
      </div>
      {form.source === 'spec' && def ? (
        <>
          <div className="ev-fields">
            {def.fields.map((f) => (
              <Field key={f.key} label={label} def={f} value={form.values[f.key]} onChange={(v) => set({ values: { ...form.values, [f.key]: v } })} />
            ))}
          </div>
          <details>
            <summary>Weight, required, negate</summary>
            <div className="row ev-wrap">
              <label className="field">
                <span>{label} weight</span>
                <input inputMode="decimal" value={form.weight} onChange={(e) => set({ weight: e.target.value })} />
              </label>
              <label className="row">
                <input type="checkbox" checked={form.required} onChange={(e) => set({ required: e.target.checked })} />
                Required to pass
              </label>
              <label className="row">
                <input type="checkbox" checked={form.negate} onChange={(e) => set({ negate: e.target.checked })} />
                Negate
              </label>
            </div>
          </details>
        </>
      ) : null}
    </fieldset>
  );
}

function Field({ label, def, value, onChange }: { label: string; def: FieldDef; value: string | boolean | undefined; onChange: (v: string | boolean) => void }) {
  const name = `${label} ${def.label.toLowerCase()}`;
  if (def.kind === 'bool') {
    return (
      <label className="row ev-bool">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {def.label}
      </label>
    );
  }
  const text = typeof value === 'string' ? value : '';
  const hint = def.hint ? <span className="hint"> ({def.hint})</span> : null;
  return (
    <label className={`field${def.kind === 'textarea' || def.kind === 'json' || def.kind === 'list' ? ' ev-wide' : ''}`}>
      <span>
        {name}
        {hint}
      </span>
      {def.kind === 'select' ? (
        <select value={text} onChange={(e) => onChange(e.target.value)}>
          {(def.options ?? []).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      ) : def.kind === 'textarea' || def.kind === 'json' || def.kind === 'list' ? (
        <textarea value={text} rows={def.kind === 'textarea' ? 4 : 3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input value={text} inputMode={def.kind === 'number' ? 'decimal' : undefined} onChange={(e) => onChange(e.target.value)} />
      )}
    </label>
  );
}
