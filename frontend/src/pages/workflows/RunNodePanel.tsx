// The run page's side panel for one node: state, live tokens, output, attempts, cost, approval.
import { permissionTitle } from '../../components/states';
import type { WorkflowsRunDetailQuery } from '../../gql/graphql';
import type { EditorNode } from './model';
import { badgeClass, statusLabel, type LiveNode } from './runEvents';

type NodeRun = NonNullable<WorkflowsRunDetailQuery['workflowRun']>['nodes'][number];

interface Props {
  node: EditorNode;
  live: LiveNode | null;
  run: NodeRun | null;
  canExecute: boolean;
  busy: boolean;
  onAnswer: (approved: boolean) => void;
  onClose: () => void;
}

export function RunNodePanel({ node, live, run, canExecute, busy, onAnswer, onClose }: Props) {
  const status = live?.status ?? run?.status ?? 'PENDING';
  const output = live?.output ?? run?.output ?? null;
  const error = live?.error ?? run?.error ?? null;
  const waiting = node.step.kind === 'approval' && status === 'WAITING';
  return (
    <aside className="card wf-panel" aria-labelledby="wf-run-node-title">
      <div className="row wf-panel-head">
        <h2 id="wf-run-node-title">
          Node <span className="mono">{node.key}</span> <span className="badge">{node.step.kind}</span>
        </h2>
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-ghost" aria-label="Close node panel" onClick={onClose}>
          ✕
        </button>
      </div>
      <dl className="kv">
        <dt>State</dt>
        {/* Only state changes are announced; the streamed text is not a live region. */}
        <dd><span className={badgeClass(status)} role="status">{statusLabel(status)}</span></dd>
        <dt>Attempt</dt>
        <dd>{live?.attempt || run?.attempt || 0}</dd>
        <dt>Tokens</dt>
        <dd>{run ? `${run.tokensIn} in / ${run.tokensOut} out` : '—'}</dd>
        <dt>Cost</dt>
        <dd>{run ? `$${run.costUsd.toFixed(6)}` : '—'}</dd>
        <dt>Latency</dt>
        <dd>{run?.latencyMs != null ? `${run.latencyMs} ms` : '—'}</dd>
        {run?.defaulted ? (<><dt>Defaulted</dt><dd>yes (its failure policy’s output)</dd></>) : null}
      </dl>
      {waiting ? (
        <div className="card wf-approval">
          <p>{node.step.kind === 'approval' && node.step.instructions ? node.step.instructions : 'This step waits for an approval.'}</p>
          <div className="row">
            <button type="button" className="btn btn-primary" disabled={!canExecute || busy} title={permissionTitle(canExecute, 'run workflows')} onClick={() => onAnswer(true)}>
              Approve
            </button>
            <button type="button" className="btn btn-danger" disabled={!canExecute || busy} title={permissionTitle(canExecute, 'run workflows')} onClick={() => onAnswer(false)}>
              Reject
            </button>
          </div>
        </div>
      ) : null}
      {status === 'EXECUTING' || (live?.tokens && !output) ? (
        <>
          <h3>Streaming</h3>
          <pre className="wf-stream" data-testid="node-tokens">{live?.tokens || '…'}</pre>
        </>
      ) : null}
      {output !== null ? (
        <>
          <h3>Output</h3>
          <pre data-testid="node-output">{output}</pre>
        </>
      ) : null}
      {error ? <p className="wf-error-text" role="alert">{error}</p> : null}
      {run?.renderedInput ? (
        <details className="wf-details">
          <summary>Rendered input</summary>
          <pre>{run.renderedInput}</pre>
        </details>
      ) : null}
      {live && live.history.length > 0 ? <p className="muted">History: {live.history.map(statusLabel).join(' → ')}</p> : null}
    </aside>
  );
}
