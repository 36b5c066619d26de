// A workflow's runs, newest first, kept live by `orgWorkflowRunUpdates`.
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { Empty, ErrorView, QueryState } from '../../components/states';
import { useOrgId } from '../../lib/org';
import { WorkflowsRunUpdatesSubscription, WorkflowsRunsQuery } from './operations';
import { badgeClass, statusLabel } from './runEvents';
import { Pager } from '../../components/Pager';
import { usePager } from '../../components/usePager';

const PAGE = 10;

type Update = { id: string; workflowId: string; version: number; status: string; createdAt: string; latencyMs: number | null; costUsd: number; error: string | null };

export function RunsList({ workflowId }: { workflowId: string }) {
  const orgId = useOrgId();
  const pager = usePager();
  const after = pager.after;
  const [result, refetch] = useQuery({ query: WorkflowsRunsQuery, variables: { orgId, workflowId, first: PAGE, after }, pause: !orgId });
  const [live, resubscribe] = useSubscription(
    { query: WorkflowsRunUpdatesSubscription, variables: { orgId }, pause: !orgId },
    (prev: Record<string, Update> | undefined, data): Record<string, Update> => {
      const run = data.orgWorkflowRunUpdates;
      return run.workflowId === workflowId ? { ...(prev ?? {}), [run.id]: run } : (prev ?? {});
    },
  );
  const updates = live.data ?? {};

  const data = result.data?.workflowRuns;
  const known = new Set(data?.nodes.map((r) => r.id) ?? []);
  const unseen = Object.keys(updates).some((id) => !known.has(id));
  useEffect(() => {
    // A run this page has not listed yet: fetch the first page again.
    if (unseen && pager.page === 1) refetch({ requestPolicy: 'network-only' });
  }, [unseen, pager.page, refetch]);

  return (
    <section className="card wf-runs" aria-labelledby="wf-runs-title">
      <h2 id="wf-runs-title">Runs {data ? <span className="muted">({data.totalCount})</span> : null}</h2>
      {live.error ? (
        <div className="wf-follow-error">
          <ErrorView error={live.error} />
          <p className="muted">Statuses below are not updated live until you reconnect.</p>
          <button type="button" className="btn btn-small" onClick={() => resubscribe()}>
            Reconnect
          </button>
        </div>
      ) : null}
      <QueryState fetching={result.fetching} error={result.error} hasData={!!data}>
        {data && data.nodes.length === 0 ? (
          <Empty title="No runs yet." />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {data?.nodes.map((r) => {
                  const run = { ...r, ...(updates[r.id] ?? {}) };
                  return (
                    <tr key={r.id}>
                      <td><Link to={`/workflows/runs/${r.id}`} className="mono">{r.id.slice(0, 8)}</Link></td>
                      <td>v{run.version}</td>
                      <td>
                        <span className={badgeClass(run.status)}>{statusLabel(run.status)}</span>
                        {run.error ? <div className="muted wf-clip" title={run.error}>{run.error}</div> : null}
                      </td>
                      <td>{new Date(run.createdAt).toLocaleString()}</td>
                      <td>{run.latencyMs !== null ? `${(run.latencyMs / 1000).toFixed(1)} s` : '—'}</td>
                      <td>${run.costUsd.toFixed(4)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          page={pager.page}
          hasPrevious={pager.hasPrevious}
          hasNext={data?.pageInfo.hasNextPage ?? false}
          onPrevious={pager.previous}
          onNext={() => pager.next(data?.pageInfo.endCursor)}
          noun="runs"
        />
      </QueryState>
    </section>
  );
}
