/** One target of a new run: a prompt or workflow, and a label or version of it. */
export interface TargetForm {
  kind: 'prompt' | 'workflow';
  id: string;
  /** `label:<name>` or `version:<n>`. */
  pick: string;
}

export interface Versioned {
  id: string;
  name: string;
  labels: { name: string; version: number }[];
  latestVersion: { version: number } | null;
}

export function targetInput(t: TargetForm) {
  const [how, what = ''] = t.pick.split(':');
  const sel = how === 'label' ? { label: what } : how === 'version' ? { version: Number(what) } : {};
  return t.kind === 'prompt' ? { prompt: { promptId: t.id, ...sel } } : { workflow: { workflowId: t.id, ...sel } };
}

export function TargetPicker({
  index,
  form,
  prompts,
  workflows,
  onChange,
  onRemove,
}: {
  index: number;
  form: TargetForm;
  prompts: Versioned[];
  workflows: Versioned[];
  onChange: (form: TargetForm) => void;
  onRemove?: () => void;
}) {
  const label = `Target ${index + 1}`;
  const list = form.kind === 'prompt' ? prompts : workflows;
  const chosen = list.find((x) => x.id === form.id);
  const latest = chosen?.latestVersion?.version ?? 0;
  const versions = Array.from({ length: latest }, (_, i) => latest - i);
  return (
    <fieldset className="ev-fieldset">
      <legend>{label}</legend>
      <div className="row ev-wrap">
        <label className="field">
          <span>{label} kind</span>
          <select value={form.kind} onChange={(e) => onChange({ kind: e.target.value as TargetForm['kind'], id: '', pick: '' })}>
            <option value="prompt">Prompt</option>
            <option value="workflow">Workflow</option>
          </select>
        </label>
        <label className="field">
          <span>
            {label} {form.kind}
          </span>
          <select value={form.id} onChange={(e) => onChange({ ...form, id: e.target.value, pick: '' })}>
            <option value="">Choose…</option>
            {list.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{label} version</span>
          <select value={form.pick} onChange={(e) => onChange({ ...form, pick: e.target.value })} disabled={!chosen}>
            <option value="">Latest</option>
            {chosen?.labels
              .filter((l) => l.name !== 'latest')
              .map((l) => (
                <option key={l.name} value={`label:${l.name}`}>
                  {`${l.name} (v${l.version})`}
                </option>
              ))}
            {versions.map((v) => (
              <option key={v} value={`version:${v}`}>{`v${v}`}</option>
            ))}
          </select>
        </label>
        {onRemove ? (
          <button type="button" className="btn btn-small btn-ghost ev-remove" onClick={onRemove}>
            Remove {label.toLowerCase()}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}
