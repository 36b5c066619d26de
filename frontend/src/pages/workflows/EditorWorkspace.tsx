// The editable canvas with its toolbar, side panel, problems and "Save version".
import { useMemo, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ErrorView, permissionTitle } from '../../components/states';
import { problemOf } from '../../lib/errors';
import { useOrg, useOrgId } from '../../lib/org';
import { Canvas } from './Canvas';
import { DefinitionPanel } from './DefinitionPanel';
import { NodePanel } from './NodePanel';
import type { PromptChoice } from './StepFields';
import {
  NODE_KINDS,
  addNode,
  autoLayout,
  clientIssues,
  connect,
  disconnect,
  issuesByNode,
  mergeIssues,
  removeNode,
  renameNode,
  sendable,
  toDefinitionInput,
  updateEdge,
  updateNode,
  type Graph,
  type Issue,
  type NodeKind,
} from './model';
import { WorkflowsSaveVersionMutation } from './operations';
import { useValidation } from './useValidation';
import { nodeViews } from './views';

interface Props {
  workflowId: string;
  initial: Graph;
  prompts: PromptChoice[];
  onSaved: (saved: boolean) => void;
}

export function EditorWorkspace({ workflowId, initial, prompts, onSaved }: Props) {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canWrite = can('workflow:write');
  const [graph, setGraphRaw] = useState<Graph>(() => autoLayout(initial));
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [kind, setKind] = useState<NodeKind>('prompt');
  const [notice, setNotice] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [saveIssues, setSaveIssues] = useState<Issue[]>([]);
  const [saved, setSaved] = useState<number | null>(null);
  const [saveState, save] = useMutation(WorkflowsSaveVersionMutation);

  // Functional updates: React Flow reports several changes at once (a node removed with its
  // edges, several nodes dragged), and each must apply on top of the one before.
  const setGraph = (next: Graph | ((g: Graph) => Graph), structural = true) => {
    setGraphRaw(next);
    if (structural) {
      setDirty(true);
      setSaveIssues([]);
      setSaved(null);
    }
  };

  const validation = useValidation(orgId, graph, canWrite && sendable(graph));
  const local = useMemo(() => clientIssues(graph), [graph]);
  const issues = useMemo(() => mergeIssues(local, [...validation.issues, ...saveIssues]), [local, validation.issues, saveIssues]);
  const keys = graph.nodes.map((n) => n.key);
  const byNode = useMemo(() => issuesByNode(issues, graph.nodes.map((n) => n.key)), [issues, graph.nodes]);
  const views = useMemo(() => nodeViews(graph.nodes, prompts, byNode), [graph.nodes, prompts, byNode]);
  const node = graph.nodes.find((n) => n.key === selected) ?? null;

  const onConnect = (from: string, to: string): string | null => {
    const result = connect(graph, from, to);
    if (!result.ok) {
      setNotice(result.reason);
      return result.reason;
    }
    setNotice(null);
    setGraph((g) => {
      const r = connect(g, from, to);
      return r.ok ? r.graph : g;
    });
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await save({ workflowId, input: { definition: toDefinitionInput(graph), commitMessage: message.trim() || null } });
    if (result.error) {
      const problem = problemOf(result.error);
      setSaveIssues(problem.issues.map((i) => ({ node: i.node ?? null, message: i.message })));
      return;
    }
    const version = result.data?.createWorkflowVersion.version ?? null;
    setSaved(version);
    setDirty(false);
    setMessage('');
    onSaved(true);
  };

  return (
    <section aria-labelledby="wf-editor-title" className="wf-editor">
      <h2 id="wf-editor-title" className="visually-hidden">Canvas</h2>
      <div className="row wf-toolbar">
        <label className="field">
          <span>Node kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as NodeKind)} disabled={!canWrite}>
            {NODE_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          disabled={!canWrite}
          title={permissionTitle(canWrite, 'edit workflows')}
          onClick={() => {
            const { graph: next, key } = addNode(graph, kind);
            setGraph(() => next);
            setSelected(key);
          }}
        >
          Add node
        </button>
        <button type="button" className="btn" onClick={() => setGraph((g) => autoLayout(g), false)} disabled={graph.nodes.length === 0}>
          Auto-layout
        </button>
        <span className="wf-validity" role="status" aria-live="polite">
          {graph.nodes.length === 0
            ? ''
            : validation.checking
              ? 'Checking…'
              : issues.length === 0
                ? <span className="badge ok">Valid</span>
                : <span className="badge bad">{issues.length} problem{issues.length === 1 ? '' : 's'}</span>}
          {dirty ? <span className="badge warn">Unsaved changes</span> : null}
        </span>
      </div>
      {notice ? <p className="wf-error-text" role="alert">{notice}</p> : null}

      <div className="wf-layout">
        <div className="wf-main">
          <Canvas
            label="Workflow canvas"
            nodes={graph.nodes}
            edges={graph.edges}
            views={views}
            selected={selected}
            onSelect={setSelected}
            readOnly={!canWrite}
            onMove={(key, x, y) => setGraph((g) => updateNode(g, key, { position: { x, y } }), false)}
            onConnect={onConnect}
            onRemoveNode={(key) => {
              setGraph((g) => removeNode(g, key));
              setSelected((s) => (s === key ? null : s));
            }}
            onRemoveEdge={(from, to) => setGraph((g) => disconnect(g, from, to))}
          />
          <nav aria-label="Nodes" className="wf-node-list">
            {keys.map((k) => (
              <button key={k} type="button" className={`btn btn-small${k === selected ? ' btn-primary' : ''}`} aria-pressed={k === selected} onClick={() => setSelected(k)}>
                {k}
                {(byNode.get(k)?.length ?? 0) > 0 ? ' ⚠' : ''}
              </button>
            ))}
          </nav>
        </div>
        {node && canWrite ? (
          <NodePanel
            graph={graph}
            node={node}
            issues={byNode.get(node.key) ?? []}
            prompts={prompts}
            onChange={(patch) => setGraph((g) => updateNode(g, node.key, patch))}
            onRename={(next) => {
              const r = renameNode(graph, node.key, next);
              if (r.error) return r.error;
              if (next !== node.key) {
                setGraph(r.graph);
                setSelected(next);
              }
              return null;
            }}
            onToggleParent={(parent, on) => {
              if (on) return onConnect(parent, node.key);
              setGraph((g) => disconnect(g, parent, node.key));
              return null;
            }}
            onRemove={() => {
              setGraph((g) => removeNode(g, node.key));
              setSelected(null);
            }}
            onClose={() => setSelected(null)}
          />
        ) : (
          <DefinitionPanel
            graph={graph}
            disabled={!canWrite}
            onChange={(g) => setGraph(() => g)}
            onRemoveEdge={(from, to) => setGraph((g) => disconnect(g, from, to))}
            onEdgeChange={(from, to, patch) => setGraph((g) => updateEdge(g, from, to, patch))}
          />
        )}
      </div>

      {issues.length > 0 ? (
        <div className="card wf-problems">
          <h3>Problems</h3>
          <ul className="wf-issues">
            {issues.map((i, n) => (
              <li key={n}>
                {i.node !== null && keys.includes(i.node) ? (
                  <button type="button" className="btn btn-small btn-ghost mono" onClick={() => setSelected(i.node)}>{i.node}</button>
                ) : i.node !== null ? <span className="mono">{i.node}</span> : <span className="muted">workflow</span>}
                : {i.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {validation.problem && validation.problem.issues.length === 0 ? <ErrorView problem={validation.problem} /> : null}

      <form className="card row wf-save" onSubmit={submit}>
        <label className="field wf-grow">
          <span>Commit message</span>
          <input value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What changed" disabled={!canWrite} />
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!canWrite || saveState.fetching || graph.nodes.length === 0}
          title={permissionTitle(canWrite, 'edit workflows')}
        >
          Save version
        </button>
        {saved !== null ? <span className="badge ok" role="status">Saved as version {saved}</span> : null}
      </form>
      {saveState.error ? <ErrorView error={saveState.error} /> : null}
    </section>
  );
}
