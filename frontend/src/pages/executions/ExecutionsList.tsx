import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { Empty, ErrorView, PageHeader, QueryState } from '../../components/states';
import type { ExecutionStatus, ExecutionsRowFragment, ExecutionsUpdatesSubscription as UpdatesData } from '../../gql/graphql';
import { useOrgId } from '../../lib/org';
import { PlaygroundPromptsQuery } from '../playground/operations';
import { mergeLive } from './liveRows';
import { ExecutionsListQuery, ExecutionsUpdatesSubscription } from './operations';
import { ms, usd } from './Stats';
import { Pager } from '../../components/Pager';
import { usePager } from '../../components/usePager';

const PAGE = 25;
const STATUSES: ExecutionStatus[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

export function ExecutionsList() {
  const orgId = useOrgId();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as ExecutionStatus | null) ?? null;
  const promptId = params.get('prompt');
  const pager = usePager();
  const filterKey = `${status}|${promptId}`;
  const [seenKey, setSeenKey] = useState(filterKey);
  if (seenKey !== filterKey) {
    setSeenKey(filterKey);
    pager.reset();
  }
  const setFilter = (name: 'status' | 'prompt', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const [result] = useQuery({
    query: ExecutionsListQuery,
    variables: { orgId, status, promptId, first: PAGE, after: pager.after },
  });
  const [prompts] = useQuery({ query: PlaygroundPromptsQuery, variables: { orgId } });

  // Every execution the live feed has told us about, as it last was.
  const [live] = useSubscription<UpdatesData, Map<string, ExecutionsRowFragment>, { orgId: string }>(
    { query: ExecutionsUpdatesSubscription, variables: { orgId } },
    (previous, data) => {
      const next = new Map(previous ?? []);
      next.set(data.orgExecutionUpdates.id, data.orgExecutionUpdates);
      return next;
    },
  );
  const connection = result.data?.executions;
  const merged = useMemo(
    () => (connection ? mergeLive(connection.nodes, live.data ?? new Map(), { status, promptId }, pager.page === 1) : null),
    [connection, live.data, status, promptId, pager.page],
  );

  return (
    <>
      <PageHeader
        title="Executions"
        actions={
          <span className={`badge ${live.error ? 'bad' : 'ok'}`} role="status">
            {live.error ? 'Live updates stopped' : 'Live'}
          </span>
        }
      >
        <p className="muted">Every prompt run in this organization, newest first; new runs and status changes appear as they happen.</p>
      </PageHeader>
      <form className="row filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label className="field">
          <span>Status</span>
          <select value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Prompt</span>
          <select value={promptId ?? ''} onChange={(e) => setFilter('prompt', e.target.value)}>
            <option value="">Any prompt</option>
            {(prompts.data?.prompts.nodes ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {promptId && !prompts.data?.prompts.nodes.some((p) => p.id === promptId) ? <option value={promptId}>(this prompt)</option> : null}
          </select>
        </label>
      </form>
      {live.error ? <ErrorView error={live.error} /> : null}
      <QueryState fetching={result.fetching} error={result.error} hasData={!!connection}>
        {connection && merged ? (
          merged.rows.length === 0 ? (
            <Empty title={status || promptId ? 'No execution matches these filters.' : 'No executions yet.'}>
              <Link className="btn" to="/playground">
                Run a prompt in the playground
              </Link>
            </Empty>
          ) : (
            <>
              <p className="muted" aria-live="polite">
                {connection.totalCount + merged.added} {connection.totalCount + merged.added === 1 ? 'execution' : 'executions'}
                {merged.added > 0 ? ` (${merged.added} new since this page loaded)` : ''}
              </p>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Prompt</th>
                      <th scope="col">Status</th>
                      <th scope="col">Latency</th>
                      <th scope="col">Tokens in / out</th>
                      <th scope="col">Cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    {merged.rows.map((e) => (
                      <tr key={e.id}>
                        <td>
                          <Link to={`/executions/${e.id}`}>{new Date(e.createdAt).toLocaleString()}</Link>
                        </td>
                        <td>
                          {e.prompt ? <Link to={`/prompts/${e.prompt.id}`}>{e.prompt.name}</Link> : <span className="muted">deleted</span>}
                          {e.version ? <span className="muted"> v{e.version.version}</span> : null}
                        </td>
                        <td>
                          <span className={`badge status-${e.status}`}>{e.status.toLowerCase()}</span>
                          {e.cached ? <span className="muted small"> cached</span> : null}
                        </td>
                        <td>{ms(e.latencyMs)}</td>
                        <td>
                          {e.tokensIn ?? '—'} / {e.tokensOut ?? '—'}
                        </td>
                        <td>{usd(e.costUsd)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager
                  page={pager.page}
                  hasPrevious={pager.hasPrevious}
                  hasNext={connection.pageInfo.hasNextPage}
                  onPrevious={pager.previous}
                  onNext={() => pager.next(connection.pageInfo.endCursor)}
                  noun="executions"
                />
            </>
          )
        ) : null}
      </QueryState>
    </>
  );
}
