import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { Pager } from '../../components/Pager';
import { usePager } from '../../components/usePager';
import { short } from '../datasets/json';
import type { TargetInfo } from './AggregatesTable';
import { ms, score } from './format';
import { EvaluationsResultsQuery } from './queries';
import { WordDiffView } from './WordDiffView';

const PAGE = 20;

/** The run's results, by target and pass/fail, each output against its expected output. */
export function ResultsTable({ runId, targets, refreshKey }: { runId: string; targets: TargetInfo[]; refreshKey: number }) {
  const [target, setTarget] = useState<string>('');
  const [passed, setPassed] = useState<string>('');
  const pager = usePager();
  const [result, reexecute] = useQuery({
    query: EvaluationsResultsQuery,
    variables: {
      id: runId,
      targetIndex: target === '' ? null : Number(target),
      passed: passed === '' ? null : passed === 'true',
      first: PAGE,
      after: pager.after,
    },
  });
  // While running, re-read the page every few new results.
  const bucket = refreshKey < 0 ? -1 : Math.floor(refreshKey / 10);
  useEffect(() => {
    reexecute({ requestPolicy: 'network-only' });
  }, [bucket, reexecute]);
  const page = result.data?.evaluationRun?.results;
  const targetName = (i: number) => targets.find((t) => t.index === i)?.description ?? `#${i}`;

  return (
    <section className="card" aria-labelledby="ev-results-title">
      <h2 id="ev-results-title">Results</h2>
      <div className="row ev-wrap">
        {targets.length > 1 ? (
          <label className="field">
            <span>Target</span>
            <select
              value={target}
              onChange={(e) => {
                setTarget(e.target.value);
                pager.reset();
              }}
            >
              <option value="">All targets</option>
              {targets.map((t) => (
                <option key={t.index} value={t.index}>
                  {`#${t.index} ${t.description}`}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field">
          <span>Outcome</span>
          <select
            value={passed}
            onChange={(e) => {
              setPassed(e.target.value);
              pager.reset();
            }}
          >
            <option value="">Passed and failed</option>
            <option value="true">Passed only</option>
            <option value="false">Failed only</option>
          </select>
        </label>
      </div>
      <QueryState fetching={result.fetching} error={result.error} hasData={!!page}>
        {page && page.nodes.length === 0 ? <Empty title="No results match." /> : null}
        {page && page.nodes.length > 0 ? (
          <>
            <div className="table-wrap">
              <table className="table ev-results">
                <caption className="visually-hidden">Results</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    {targets.length > 1 ? <th scope="col">Target</th> : null}
                    <th scope="col">Outcome</th>
                    <th scope="col">Output vs expected</th>
                    <th scope="col">Verdicts</th>
                    <th scope="col">Latency</th>
                  </tr>
                </thead>
                <tbody>
                  {page.nodes.map((r) => (
                    <tr key={r.id}>
                      <td className="ev-inputs">{short(r.inputs, 140)}</td>
                      {targets.length > 1 ? <td>{targetName(r.targetIndex)}</td> : null}
                      <td>
                        <Outcome passed={r.passed} status={r.status} />
                        <div className="muted ev-small">score {score(r.score)}</div>
                      </td>
                      <td className="ev-output">
                        {r.error ? <p className="ev-error">Error: {r.error}</p> : null}
                        {r.output !== null && r.expected !== null ? (
                          <WordDiffView before={r.expected} after={r.output} beforeName="expected" afterName="output" />
                        ) : r.output !== null ? (
                          <span>{r.output}</span>
                        ) : (
                          <span className="muted">no output</span>
                        )}
                      </td>
                      <td>
                        <ul className="ev-plain ev-small">
                          {r.verdicts.map((v) => (
                            <li key={v.name} title={v.error ?? v.reason}>
                              {v.pass ? '✓ pass' : '✗ fail'} {v.name} ({score(v.score)})
                              {v.error ? ` — ${v.error}` : ''}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>{ms(r.latencyMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              page={pager.page}
              hasPrevious={pager.hasPrevious}
              hasNext={page.pageInfo.hasNextPage}
              onPrevious={pager.previous}
              onNext={() => pager.next(page.pageInfo.endCursor)}
              noun="results"
            />
          </>
        ) : null}
      </QueryState>
    </section>
  );
}

export function Outcome({ passed, status }: { passed: boolean | null; status?: string }) {
  if (status === 'ERROR') return <span className="badge bad">Error</span>;
  if (passed === null) return <span className="badge info">{status === 'CANCELLED' ? 'Cancelled' : 'Pending'}</span>;
  return passed ? <span className="badge ok">Passed</span> : <span className="badge bad">Failed</span>;
}
