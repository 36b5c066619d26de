// The editor's panel for the definition as a whole: run inputs, output template, edges.
import type { WorkflowInputType } from '../../gql/graphql';
import type { Graph, InputSpec } from './model';

const TYPES: WorkflowInputType[] = ['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'JSON'];

interface Props {
  graph: Graph;
  onChange: (graph: Graph) => void;
  onRemoveEdge: (from: string, to: string) => void;
  onEdgeChange: (from: string, to: string, patch: { branch?: string | null; onFailure?: boolean }) => void;
  disabled: boolean;
}

export function DefinitionPanel({ graph, onChange, onRemoveEdge, onEdgeChange, disabled }: Props) {
  const kindOf = (key: string) => graph.nodes.find((n) => n.key === key);
  const setInput = (i: number, patch: Partial<InputSpec>) =>
    onChange({ ...graph, inputs: graph.inputs.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const outputs = graph.nodes.map((n) => `nodes.${n.key}.output`);
  return (
    <aside className="card wf-panel" aria-labelledby="wf-def-title">
      <h2 id="wf-def-title">Definition</h2>
      <p className="muted">{disabled ? 'Your role can read this workflow, not edit it.' : 'Select a node on the canvas (or in the node list) to configure it.'}</p>
      <fieldset className="wf-plain" disabled={disabled}>
      <fieldset className="wf-fieldset">
        <legend>Run inputs</legend>
        {graph.inputs.length === 0 ? <p className="muted">No declared inputs: runs take any JSON object.</p> : null}
        {graph.inputs.map((input, i) => (
          <div key={i} className="wf-input-row">
            <label className="field">
              <span>Input {i + 1} name</span>
              <input className="mono" value={input.name} onChange={(e) => setInput(i, { name: e.target.value })} />
            </label>
            <label className="field">
              <span>Input {i + 1} type</span>
              <select value={input.type} onChange={(e) => setInput(i, { type: e.target.value as WorkflowInputType })}>
                {TYPES.map((t) => <option key={t} value={t}>{t.toLowerCase()}</option>)}
              </select>
            </label>
            <label className="wf-check">
              <input type="checkbox" checked={input.required} onChange={(e) => setInput(i, { required: e.target.checked })} /> Required
            </label>
            <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove input ${i + 1}`} onClick={() => onChange({ ...graph, inputs: graph.inputs.filter((_, j) => j !== i) })}>
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onChange({ ...graph, inputs: [...graph.inputs, { name: `input_${graph.inputs.length + 1}`, type: 'STRING', required: true, default: null }] })}
        >
          Add input
        </button>
      </fieldset>
      <label className="field">
        <span>Output template</span>
        <textarea className="mono" rows={2} value={graph.output} onChange={(e) => onChange({ ...graph, output: e.target.value })} placeholder="{{ nodes.last.output }}" />
      </label>
      {outputs.length > 0 ? (
        <p className="muted wf-refs">
          Can read: {outputs.map((r) => <code key={r}>{`{{ ${r} }}`}</code>)}
        </p>
      ) : null}
      <h3>Edges</h3>
      {graph.edges.length === 0 ? <p className="muted">No edges: connect nodes by dragging between handles, or with “Depends on” in a node’s panel.</p> : null}
      <ul className="wf-edge-list">
        {graph.edges.map((e) => (
          <li key={`${e.from}->${e.to}`}>
            <span className="mono">{e.from} → {e.to}</span>
            {kindOf(e.from)?.step.kind === 'condition' ? (
              <label className="wf-inline">
                <span>Branch</span>
                <input className="mono" size={6} value={e.branch ?? ''} onChange={(ev) => onEdgeChange(e.from, e.to, { branch: ev.target.value || null })} aria-label={`Branch of ${e.from} to ${e.to}`} />
              </label>
            ) : null}
            {kindOf(e.from)?.onFailure?.policy === 'BRANCH' ? (
              <label className="wf-inline">
                <input type="checkbox" checked={e.onFailure} onChange={(ev) => onEdgeChange(e.from, e.to, { onFailure: ev.target.checked })} /> on failure
              </label>
            ) : null}
            <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove edge ${e.from} to ${e.to}`} onClick={() => onRemoveEdge(e.from, e.to)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      </fieldset>
    </aside>
  );
}
