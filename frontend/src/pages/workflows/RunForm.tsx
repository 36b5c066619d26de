// Starts a run of a saved version: a form from its declared inputs, or a JSON editor.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorView, permissionTitle } from '../../components/states';
import type { WorkflowInputType } from '../../gql/graphql';
import { useOrg } from '../../lib/org';
import { WorkflowsRunMutation } from './operations';

interface InputDecl { name: string; type: WorkflowInputType; required: boolean }

/** A form value as the input's type, or an error message. */
export function parseInput(type: WorkflowInputType, raw: string): { value: unknown } | { error: string } {
  switch (type) {
    case 'STRING': return { value: raw };
    case 'BOOLEAN': return { value: raw === 'true' };
    case 'NUMBER':
    case 'INTEGER': {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) return { error: 'Enter a number.' };
      if (type === 'INTEGER' && !Number.isInteger(n)) return { error: 'Enter a whole number.' };
      return { value: n };
    }
    default:
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch {
        return { error: 'Enter valid JSON.' };
      }
  }
}

export function RunForm({ workflowId, version, inputs }: { workflowId: string; version: number; inputs: InputDecl[] }) {
  const { can } = useOrg();
  const canRun = can('workflow:execute');
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<string, string>>({});
  const [json, setJson] = useState('{}');
  const [formError, setFormError] = useState<string | null>(null);
  const [state, run] = useMutation(WorkflowsRunMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let payload: Record<string, unknown> = {};
    if (inputs.length === 0) {
      const parsed = parseInput('OBJECT', json);
      if ('error' in parsed || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
        setFormError('The inputs must be a JSON object.');
        return;
      }
      payload = parsed.value as Record<string, unknown>;
    } else {
      for (const input of inputs) {
        const raw = values[input.name] ?? (input.type === 'BOOLEAN' ? 'false' : '');
        if (raw === '' && !input.required) continue;
        const parsed = parseInput(input.type, raw);
        if ('error' in parsed) {
          setFormError(`${input.name}: ${parsed.error}`);
          return;
        }
        payload[input.name] = parsed.value;
      }
    }
    setFormError(null);
    const result = await run({ workflowId, input: { version, inputs: payload } });
    const id = result.data?.runWorkflow.id;
    if (id) navigate(`/workflows/runs/${id}`);
  };

  return (
    <form className="card stack wf-run-form" onSubmit={submit} aria-labelledby="wf-run-title">
      <h2 id="wf-run-title">Run version {version}</h2>
      {inputs.length === 0 ? (
        <label className="field">
          <span>Inputs (JSON object)</span>
          <textarea className="mono" rows={3} value={json} onChange={(e) => setJson(e.target.value)} />
        </label>
      ) : (
        <div className="grid-2">
          {inputs.map((input) => (
            <InputField key={input.name} input={input} value={values[input.name] ?? ''} onChange={(v) => setValues((s) => ({ ...s, [input.name]: v }))} />
          ))}
        </div>
      )}
      {formError ? <p className="wf-error-text" role="alert">{formError}</p> : null}
      {state.error ? <ErrorView error={state.error} /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!canRun || state.fetching} title={permissionTitle(canRun, 'run workflows')}>
          Run workflow
        </button>
      </div>
    </form>
  );
}

function InputField({ input, value, onChange }: { input: InputDecl; value: string; onChange: (v: string) => void }) {
  const label = `${input.name}${input.required ? '' : ' (optional)'}`;
  if (input.type === 'BOOLEAN') {
    return (
      <label className="wf-check">
        <input type="checkbox" checked={value === 'true'} onChange={(e) => onChange(e.target.checked ? 'true' : 'false')} /> {label}
      </label>
    );
  }
  const structured = input.type === 'ARRAY' || input.type === 'OBJECT' || input.type === 'JSON';
  return (
    <label className="field">
      <span>{label} <span className="muted">({input.type.toLowerCase()})</span></span>
      {structured ? (
        <textarea className="mono" rows={2} value={value} onChange={(e) => onChange(e.target.value)} required={input.required} placeholder={input.type === 'ARRAY' ? '["a", "b"]' : '{}'} />
      ) : (
        <input
          type={input.type === 'STRING' ? 'text' : 'number'}
          step={input.type === 'INTEGER' ? 1 : 'any'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required={input.required}
        />
      )}
    </label>
  );
}
