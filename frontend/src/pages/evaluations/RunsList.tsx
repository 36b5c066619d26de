import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Empty, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { Pager } from '../../components/Pager';
import { usePager } from '../../components/usePager';
import { pct, StatusBadge, when } from './format';
import { EvaluationsDatasetNamesQuery, EvaluationsListQuery } from './queries';

/** `/evaluations`: runs, newest first, with status, dataset, targets and pass rate. */
export default function RunsList() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canRun = can('evaluation:execute');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const datasetId = params.get('dataset');
  const pager = usePager();
  const [result] = useQuery({
    query: EvaluationsListQuery,
    variables: { orgId, datasetId, first: 20, after: pager.after },
    pause: !orgId,
  });
  const [names] = useQuery({ query: EvaluationsDatasetNamesQuery, variables: { orgId, first: 100 }, pause: !orgId });
  const datasetName = useMemo(() => {
    const map = new Map<string, string>();
    for (const d of names.data?.datasets.nodes ?? []) map.set(d.id, d.name);
    return map;
  }, [names.data]);
  const runs = result.data?.evaluationRuns;

  return (
    <>
      <PageHeader
        title="Evaluations"
        actions={
          <>
            <Link className="btn" to="/evaluations/compare">
              Compare runs
            </Link>
            <button
              type="button"
              className="btn btn-primary"
              disabled={!canRun}
              title={permissionTitle(canRun, 'run evaluations')}
              onClick={() => navigate(`/evaluations/new${datasetId ? `?dataset=${datasetId}` : ''}`)}
            >
              New evaluation
            </button>
          </>
        }
      >
        <p className="muted">Score prompt and workflow versions on a dataset, and compare them.</p>
      </PageHeader>
      <label className="field ev-filter">
        <span>Dataset</span>
        <select
          value={datasetId ?? ''}
          onChange={(e) => {
            pager.reset();
            setParams(e.target.value ? { dataset: e.target.value } : {});
          }}
        >
          <option value="">All datasets</option>
          {(names.data?.datasets.nodes ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <QueryState fetching={result.fetching} error={result.error} hasData={!!runs}>
        {runs && runs.nodes.length === 0 ? (
          <Empty title="No evaluation runs yet.">
            {canRun ? <p className="muted">Start one with “New evaluation”.</p> : null}
          </Empty>
        ) : null}
        {runs && runs.nodes.length > 0 ? (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Evaluation runs</caption>
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Status</th>
                    <th scope="col">Dataset</th>
                    <th scope="col">Targets</th>
                    <th scope="col">Pass rate</th>
                    <th scope="col">Started</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.nodes.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/evaluations/${r.id}`}>{r.name || `Run ${r.id.slice(0, 8)}`}</Link>
                      </td>
                      <td>
                        <StatusBadge status={r.status} />
                        <div className="muted ev-small">
                          {r.progress.completed} of {r.progress.total}
                        </div>
                      </td>
                      <td>
                        <Link to={`/datasets/${r.datasetId}`}>{datasetName.get(r.datasetId) ?? 'Dataset'}</Link> v{r.datasetVersion}
                      </td>
                      <td>
                        <ul className="ev-plain">
                          {r.targets.map((t) => (
                            <li key={t.index}>{t.description}</li>
                          ))}
                        </ul>
                      </td>
                      <td>{r.progress.completed > 0 ? pct(r.progress.passed / r.progress.completed) : '—'}</td>
                      <td>{when(r.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              page={pager.page}
              hasPrevious={pager.hasPrevious}
              hasNext={runs.pageInfo.hasNextPage}
              onPrevious={pager.previous}
              onNext={() => pager.next(runs.pageInfo.endCursor)}
              total={runs.totalCount}
              noun="runs"
            />
          </>
        ) : null}
      </QueryState>
    </>
  );
}
