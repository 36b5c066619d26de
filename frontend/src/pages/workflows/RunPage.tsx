// /workflows/runs/:runId — the run's canvas, read-only, nodes coloured live by state.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { Canvas, type NodeView } from './Canvas';
import { RunNodePanel } from './RunNodePanel';
import { autoLayout, fromDefinitionJson, type Graph } from './model';
import {
  WorkflowsCancelRunMutation,
  WorkflowsPromptsQuery,
  WorkflowsResumeRunMutation,
  WorkflowsRetryRunMutation,
  WorkflowsRunQuery,
  WorkflowsVersionQuery,
} from './operations';
import { TERMINAL, badgeClass, statusLabel, useRunEvents, type RunEvent } from './runEvents';
import { describeStep } from './views';

/** Node states after which the fetched row has its final tokens, cost and latency. */
const SETTLED = new Set(['COMPLETED', 'FAILED', 'SKIPPED', 'CANCELLED']);

export function RunPage() {
  const { runId = '' } = useParams();
  const { can } = useOrg();
  const canExecute = can('workflow:execute');
  const orgId = useOrgId();
  const [promptsResult] = useQuery({ query: WorkflowsPromptsQuery, variables: { orgId }, pause: !orgId });
  const prompts = promptsResult.data?.prompts.nodes;
  const [runResult, refetchRun] = useQuery({ query: WorkflowsRunQuery, variables: { id: runId } });
  const run = runResult.data?.workflowRun ?? null;
  const [versionResult] = useQuery({
    query: WorkflowsVersionQuery,
    variables: { id: run?.workflowId ?? '', number: run?.version ?? null },
    pause: !run,
  });
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // The run's own status changed: fetch its totals again (nodes are caught up below).
  const onEvent = (e: RunEvent) => {
    if (e.type !== 'RUN_STATUS' || refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      refetchRun({ requestPolicy: 'network-only' });
    }, 300);
  };
  const { live, streaming, problem: followProblem, reconnect } = useRunEvents(runId, generation, onEvent);

  // A node the events say has settled while the fetched run still shows it otherwise (its
  // tokens, cost and latency are only in the fetched row): fetch again shortly, and again
  // while it still lags, so the numbers appear within a second of the node's end.
  const lagging = run
    ? Object.entries(live.nodes)
        .filter(([key, l]) => SETTLED.has(l.status) && run.nodes.find((n) => n.key === key)?.status !== l.status)
        .map(([key]) => key)
        .join(',')
    : '';
  const lagTries = useRef({ key: '', n: 0 });
  useEffect(() => {
    if (!lagging) return;
    if (lagTries.current.key !== lagging) lagTries.current = { key: lagging, n: 0 };
    // Give up on a row that never catches up (the run's end refetches it anyway).
    if (lagTries.current.n++ >= 20) return;
    const timer = setTimeout(() => refetchRun({ requestPolicy: 'network-only' }), 200);
    return () => clearTimeout(timer);
  }, [lagging, runResult.data, refetchRun]);

  const [cancelState, cancel] = useMutation(WorkflowsCancelRunMutation);
  const [retryState, retry] = useMutation(WorkflowsRetryRunMutation);
  const [resumeState, resume] = useMutation(WorkflowsResumeRunMutation);

  const definitionJson = versionResult.data?.workflow?.version.definitionJson ?? null;
  const graph = useMemo<Graph | null>(() => {
    if (!definitionJson) return null;
    try {
      return autoLayout(fromDefinitionJson(definitionJson));
    } catch {
      return null;
    }
  }, [definitionJson]);

  const status = live.status ?? run?.status ?? null;
  const nodeStatus = (key: string) => live.nodes[key]?.status ?? run?.nodes.find((n) => n.key === key)?.status ?? 'PENDING';
  const views = useMemo(() => {
    const out = new Map<string, NodeView>();
    for (const n of graph?.nodes ?? []) {
      const s = live.nodes[n.key]?.status ?? run?.nodes.find((r) => r.key === n.key)?.status ?? 'PENDING';
      const attempt = live.nodes[n.key]?.attempt ?? run?.nodes.find((r) => r.key === n.key)?.attempt ?? 0;
      out.set(n.key, { key: n.key, kind: n.step.kind, detail: describeStep(n.step, prompts ?? []), issues: [], status: s, attempt });
    }
    return out;
  }, [graph, live.nodes, run, prompts]);

  if (!run) {
    return (
      <QueryState fetching={runResult.fetching} error={runResult.error} hasData={false}>
        {null}
      </QueryState>
    );
  }
  const ended = status !== null && TERMINAL.has(status);
  const focus = selected ?? graph?.nodes.find((n) => nodeStatus(n.key) === 'EXECUTING' || nodeStatus(n.key) === 'WAITING')?.key ?? null;
  const focusNode = focus ? (graph?.nodes.find((n) => n.key === focus) ?? null) : null;

  return (
    <>
      <PageHeader
        title={
          <>
            Run <span className="mono">{run.id.slice(0, 8)}</span>{' '}
            <span className={badgeClass(status ?? 'PENDING')} data-testid="run-status">{statusLabel(status ?? 'PENDING')}</span>
          </>
        }
        actions={
          <>
            <button
              type="button"
              className="btn btn-danger"
              disabled={!canExecute || ended || cancelState.fetching}
              title={permissionTitle(canExecute, 'run workflows')}
              onClick={() => cancel({ id: run.id })}
            >
              Cancel run
            </button>
            <button
              type="button"
              className="btn"
              disabled={!canExecute || !(status === 'FAILED' || status === 'CANCELLED') || retryState.fetching}
              title={permissionTitle(canExecute, 'run workflows')}
              onClick={async () => {
                const r = await retry({ runId: run.id });
                if (!r.error) setGeneration((g) => g + 1);
              }}
            >
              Retry run
            </button>
          </>
        }
      >
        <p className="muted">
          <Link to={`/workflows/${run.workflowId}`}>{versionResult.data?.workflow?.name ?? 'Workflow'}</Link> · version {run.version}
          {run.label ? ` (label ${run.label})` : ''} · {streaming ? 'following live' : 'not streaming'}
        </p>
      </PageHeader>
      {cancelState.error ? <ErrorView error={cancelState.error} /> : null}
      {retryState.error ? <ErrorView error={retryState.error} /> : null}
      {resumeState.error ? <ErrorView error={resumeState.error} /> : null}
      {versionResult.error ? <ErrorView error={versionResult.error} /> : null}
      {followProblem ? (
        <div className="wf-follow-error">
          <ErrorView problem={followProblem} />
          <button type="button" className="btn" onClick={reconnect}>
            Reconnect
          </button>
        </div>
      ) : null}

      <div className="wf-layout">
        <div className="wf-main">
          {graph ? (
            <Canvas label="Run canvas" nodes={graph.nodes} edges={graph.edges} views={views} selected={focus} onSelect={setSelected} readOnly />
          ) : (
            <p className="muted">Loading the definition…</p>
          )}
        </div>
        {focusNode ? (
          <RunNodePanel
            node={focusNode}
            live={live.nodes[focusNode.key] ?? null}
            run={run.nodes.find((n) => n.key === focusNode.key) ?? null}
            canExecute={canExecute}
            busy={resumeState.fetching}
            onAnswer={(approved) => resume({ runId: run.id, input: { nodeKey: focusNode.key, approved } })}
            onClose={() => setSelected(null)}
          />
        ) : (
          <aside className="card wf-panel">
            <h2>Run</h2>
            <dl className="kv">
              <dt>Status</dt><dd>{statusLabel(status ?? 'PENDING')}</dd>
              <dt>Tokens</dt><dd>{run.tokensIn} in / {run.tokensOut} out</dd>
              <dt>Cost</dt><dd>${run.costUsd.toFixed(6)}</dd>
              <dt>Latency</dt><dd>{run.latencyMs !== null ? `${run.latencyMs} ms` : '—'}</dd>
              <dt>Critical path</dt><dd>{run.criticalPath.length ? run.criticalPath.join(' → ') : '—'}</dd>
            </dl>
            <h3>Inputs</h3>
            <pre>{JSON.stringify(run.inputs, null, 2)}</pre>
            <p className="muted">Select a node to see its tokens, output and attempts.</p>
          </aside>
        )}
      </div>
      {live.error ?? run.error ? <p className="wf-error-text" role="alert">Error: {live.error ?? run.error}</p> : null}
      {live.output ?? run.output ? (
        <section className="card">
          <h2>Output</h2>
          <pre data-testid="run-output">{live.output ?? run.output}</pre>
        </section>
      ) : null}

      <section className="card" aria-labelledby="wf-run-nodes">
        <h2 id="wf-run-nodes">Nodes</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">State</th>
                <th scope="col">History</th>
                <th scope="col">Attempt</th>
                <th scope="col">Tokens</th>
                <th scope="col">Cost</th>
                <th scope="col">Latency</th>
              </tr>
            </thead>
            <tbody>
              {(graph?.nodes ?? []).map((n) => {
                const r = run.nodes.find((x) => x.key === n.key);
                const l = live.nodes[n.key];
                const s = nodeStatus(n.key);
                return (
                  <tr key={n.key} data-node-row={n.key}>
                    <td><button type="button" className="btn btn-small btn-ghost mono" onClick={() => setSelected(n.key)}>{n.key}</button></td>
                    <td><span className={badgeClass(s)}>{statusLabel(s)}</span></td>
                    <td className="muted" data-testid={`node-history-${n.key}`}>{(l?.history ?? []).map(statusLabel).join(' → ') || '—'}</td>
                    <td>{l?.attempt || r?.attempt || 0}</td>
                    <td>{r ? `${r.tokensIn} / ${r.tokensOut}` : '—'}</td>
                    <td>{r ? `$${r.costUsd.toFixed(6)}` : '—'}</td>
                    <td>{r?.latencyMs != null ? `${r.latencyMs} ms` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
