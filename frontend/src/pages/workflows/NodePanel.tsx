// The editor's side panel for one node: key, "Depends on" checkboxes (the accessible way to
// connect), the kind's fields, failure policies, its problems, and delete.
import { useEffect, useState } from 'react';
import type { OnFailurePolicy } from '../../gql/graphql';
import { StepFields, type PromptChoice } from './StepFields';
import { ancestorsOf, type EditorNode, type Graph } from './model';

interface Props {
  graph: Graph;
  node: EditorNode;
  issues: string[];
  prompts: PromptChoice[];
  onChange: (patch: Partial<Omit<EditorNode, 'key'>>) => void;
  onRename: (next: string) => string | null;
  onToggleParent: (parent: string, on: boolean) => string | null;
  onRemove: () => void;
  onClose: () => void;
}

export function NodePanel({ graph, node, issues, prompts, onChange, onRename, onToggleParent, onRemove, onClose }: Props) {
  const [key, setKey] = useState(node.key);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [edgeError, setEdgeError] = useState<string | null>(null);
  useEffect(() => {
    setKey(node.key);
    setKeyError(null);
    setEdgeError(null);
  }, [node.key]);

  const others = graph.nodes.filter((n) => n.key !== node.key);
  const parents = new Set(graph.edges.filter((e) => e.to === node.key).map((e) => e.from));
  const refs = [
    ...graph.inputs.map((i) => `inputs.${i.name}`),
    ...ancestorsOf(graph, node.key).map((k) => `nodes.${k}.output`),
    ...(node.step.kind === 'map' ? ['item', 'index'] : []),
  ];
  const commitKey = () => {
    const error = onRename(key.trim());
    setKeyError(error);
  };

  return (
    <aside className="card wf-panel" aria-labelledby="wf-panel-title">
      <div className="row wf-panel-head">
        <h2 id="wf-panel-title">
          Node <span className="mono">{node.key}</span> <span className="badge">{node.step.kind}</span>
        </h2>
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-ghost" aria-label="Close node panel" onClick={onClose}>
          ✕
        </button>
      </div>
      {issues.length > 0 ? (
        <ul className="wf-issues" aria-label={`Problems of ${node.key}`}>
          {issues.map((m, i) => <li key={i}>{m}</li>)}
        </ul>
      ) : null}
      <label className="field">
        <span>Key</span>
        <input
          className="mono"
          value={key}
          aria-invalid={keyError ? true : undefined}
          aria-describedby={keyError ? 'wf-key-error' : undefined}
          onChange={(e) => setKey(e.target.value)}
          onBlur={commitKey}
          onKeyDown={(e) => e.key === 'Enter' && commitKey()}
        />
      </label>
      {keyError ? <p id="wf-key-error" className="wf-error-text">{keyError}</p> : null}

      <fieldset className="wf-fieldset">
        <legend>Depends on</legend>
        {others.length === 0 ? <p className="muted">No other nodes yet.</p> : null}
        {others.map((o) => (
          <label key={o.key} className="wf-check">
            <input
              type="checkbox"
              checked={parents.has(o.key)}
              onChange={(e) => setEdgeError(onToggleParent(o.key, e.target.checked))}
            />{' '}
            <span className="mono">{o.key}</span>
          </label>
        ))}
        {edgeError ? <p className="wf-error-text" role="alert">{edgeError}</p> : null}
      </fieldset>

      <StepFields step={node.step} onChange={(step) => onChange({ step })} prompts={prompts} refs={refs} idPrefix={node.key} />

      <details className="wf-details">
        <summary>Retries, failure and timeout</summary>
        <div className="grid-2">
          <label className="field">
            <span>Max attempts</span>
            <input
              type="number"
              min={1}
              value={node.retry?.maxAttempts ?? 1}
              onChange={(e) => {
                const n = Math.max(1, Number(e.target.value) || 1);
                onChange({ retry: n > 1 ? { maxAttempts: n, backoffMs: node.retry?.backoffMs ?? 500 } : null });
              }}
            />
          </label>
          <label className="field">
            <span>First backoff (ms)</span>
            <input
              type="number"
              min={0}
              disabled={!node.retry}
              value={node.retry?.backoffMs ?? 500}
              onChange={(e) => node.retry && onChange({ retry: { ...node.retry, backoffMs: Math.max(0, Number(e.target.value) || 0) } })}
            />
          </label>
          <label className="field">
            <span>On failure</span>
            <select
              value={node.onFailure?.policy ?? 'ABORT'}
              onChange={(e) => {
                const policy = e.target.value as OnFailurePolicy;
                onChange({ onFailure: policy === 'ABORT' ? null : { policy, defaultOutput: node.onFailure?.defaultOutput ?? null } });
              }}
            >
              <option value="ABORT">Abort the run</option>
              <option value="CONTINUE">Continue</option>
              <option value="DEFAULT">Use a default output</option>
              <option value="BRANCH">Take the failure edges</option>
            </select>
          </label>
          <label className="field">
            <span>Timeout (seconds)</span>
            <input
              type="number"
              min={1}
              value={node.timeoutSecs ?? ''}
              onChange={(e) => onChange({ timeoutSecs: e.target.value ? Math.max(1, Number(e.target.value)) : null })}
            />
          </label>
        </div>
        {node.onFailure?.policy === 'DEFAULT' ? (
          <label className="field">
            <span>Default output</span>
            <input value={node.onFailure.defaultOutput ?? ''} onChange={(e) => onChange({ onFailure: { policy: 'DEFAULT', defaultOutput: e.target.value } })} />
          </label>
        ) : null}
      </details>

      <button type="button" className="btn btn-danger" onClick={onRemove}>
        Delete node {node.key}
      </button>
    </aside>
  );
}
