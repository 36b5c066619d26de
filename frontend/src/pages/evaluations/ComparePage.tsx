import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Empty, PageHeader, QueryState } from '../../components/states';
import type { EvaluationsAggregateFieldsFragment } from '../../gql/graphql';
import { short } from '../datasets/json';
import { significanceSentence } from './compareText';
import { ComparePicker, type Pick } from './ComparePicker';
import { ms, pct, pValue, score, signedPct, usd } from './format';
import { EvaluationsCompareQuery } from './queries';
import { Outcome } from './ResultsTable';
import { WordDiffView } from './WordDiffView';

const CHANGE_TEXT: Record<string, string> = {
  REGRESSION: 'Regression',
  IMPROVEMENT: 'Improvement',
  STILL_PASSING: 'Still passing',
  STILL_FAILING: 'Still failing',
};

/** `/evaluations/compare?a=&b=&ta=&tb=`: B (candidate) against A (baseline). */
export default function ComparePage() {
  const [params, setParams] = useSearchParams();
  const pick: Pick = {
    a: params.get('a') ?? '',
    b: params.get('b') ?? '',
    ta: Number(params.get('ta') ?? 0) || 0,
    tb: Number(params.get('tb') ?? 0) || 0,
  };
  const ready = !!pick.a && !!pick.b;
  const [result] = useQuery({
    query: EvaluationsCompareQuery,
    variables: { a: pick.a, b: pick.b, targetA: pick.ta, targetB: pick.tb },
    pause: !ready,
  });
  const [filter, setFilter] = useState('CHANGED');
  const cmp = result.data?.compareEvaluationRuns;
  const items = (cmp?.items ?? []).filter((i) =>
    filter === 'ALL' ? true : filter === 'CHANGED' ? i.change === 'REGRESSION' || i.change === 'IMPROVEMENT' : i.change === filter,
  );

  return (
    <>
      <p className="muted ds-crumbs">
        <Link to="/evaluations">Evaluations</Link> / compare
      </p>
      <PageHeader title="Compare evaluation runs">
        <p className="muted">B (the candidate) against A (the baseline), item by item.</p>
      </PageHeader>
      <ComparePicker
        key={`${pick.a}-${pick.b}-${pick.ta}-${pick.tb}`}
        initial={pick}
        onPick={(p) => setParams({ a: p.a, b: p.b, ta: String(p.ta), tb: String(p.tb) })}
      />
      {!ready ? <Empty title="Choose two finished runs (or one run with two targets) to compare." /> : null}
      {ready ? (
        <QueryState fetching={result.fetching} error={result.error} hasData={!!cmp}>
          {cmp ? (
            <>
              <section className={`card ev-verdict ${cmp.significance.significant ? 'significant' : ''}`} aria-labelledby="ev-sig-title">
                <h2 id="ev-sig-title">Significance</h2>
                <p className="ev-sentence">
                  {significanceSentence(cmp.regressions, cmp.improvements, cmp.significance.mcnemarPValue, cmp.significance.significant)}
                </p>
                <p className="muted">{cmp.significance.summary}</p>
                <dl className="kv">
                  <dt>Regressions</dt>
                  <dd>{cmp.regressions}</dd>
                  <dt>Improvements</dt>
                  <dd>{cmp.improvements}</dd>
                  <dt>McNemar p</dt>
                  <dd>{pValue(cmp.significance.mcnemarPValue)}</dd>
                  <dt>Mean score difference</dt>
                  <dd>
                    {score(cmp.significance.meanScoreDelta)} ({Math.round(cmp.significance.confidence * 100)}% interval {score(cmp.significance.intervalLow)} to{' '}
                    {score(cmp.significance.intervalHigh)})
                  </dd>
                  {cmp.unpaired > 0 ? (
                    <>
                      <dt>Unpaired items</dt>
                      <dd>{cmp.unpaired} (the runs read different dataset versions)</dd>
                    </>
                  ) : null}
                </dl>
              </section>
              <section className="card" aria-labelledby="ev-side-title">
                <h2 id="ev-side-title">Side by side</h2>
                <SideBySide a={cmp.aggregateA} b={cmp.aggregateB} passRateDelta={cmp.passRateDelta} meanScoreDelta={cmp.meanScoreDelta} />
              </section>
              <section className="card" aria-labelledby="ev-items-title">
                <h2 id="ev-items-title">Items</h2>
                <label className="field ev-filter">
                  <span>Show</span>
                  <select value={filter} onChange={(e) => setFilter(e.target.value)}>
                    <option value="CHANGED">Regressions and improvements</option>
                    <option value="REGRESSION">Regressions only</option>
                    <option value="IMPROVEMENT">Improvements only</option>
                    <option value="ALL">All items</option>
                  </select>
                </label>
                {items.length === 0 ? <Empty title="No item matches." /> : null}
                {items.length > 0 ? (
                  <div className="table-wrap">
                    <table className="table ev-compare">
                      <caption className="visually-hidden">Items compared</caption>
                      <thead>
                        <tr>
                          <th scope="col">Item</th>
                          <th scope="col">Change</th>
                          <th scope="col">A</th>
                          <th scope="col">B</th>
                          <th scope="col">Output A → output B</th>
                          <th scope="col">Expected</th>
                        </tr>
                      </thead>
                      <tbody>
                        {items.map((i) => (
                          <tr key={i.itemId} className={`ev-change-${i.change}`}>
                            <td className="ev-inputs">{short(i.inputs, 120)}</td>
                            <td>
                              <span className={`badge ${i.change === 'REGRESSION' ? 'bad' : i.change === 'IMPROVEMENT' ? 'ok' : ''}`}>
                                {i.change === 'REGRESSION' ? <span aria-hidden="true">▼ </span> : i.change === 'IMPROVEMENT' ? <span aria-hidden="true">▲ </span> : null}
                                <span>{CHANGE_TEXT[i.change] ?? i.change}</span>
                              </span>
                            </td>
                            <td>
                              <Outcome passed={i.passedA} />
                              <div className="muted ev-small">{score(i.scoreA)}</div>
                            </td>
                            <td>
                              <Outcome passed={i.passedB} />
                              <div className="muted ev-small">{score(i.scoreB)}</div>
                            </td>
                            <td className="ev-output">
                              <WordDiffView before={i.outputA ?? ''} after={i.outputB ?? ''} beforeName="output A" afterName="output B" />
                            </td>
                            <td className="mono">{short(i.expected, 120) || <span className="muted">none</span>}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ) : null}
              </section>
            </>
          ) : null}
        </QueryState>
      ) : null}
    </>
  );
}

function SideBySide({
  a,
  b,
  passRateDelta,
  meanScoreDelta,
}: {
  a: EvaluationsAggregateFieldsFragment;
  b: EvaluationsAggregateFieldsFragment;
  passRateDelta: number | null;
  meanScoreDelta: number | null;
}) {
  const rows: [string, string, string, string][] = [
    ['Pass rate', pct(a.passRate), pct(b.passRate), signedPct(passRateDelta)],
    ['Passed', `${a.passed} of ${a.completed}`, `${b.passed} of ${b.completed}`, String(b.passed - a.passed)],
    ['Mean score', score(a.meanScore), score(b.meanScore), meanScoreDelta === null ? '—' : score(meanScoreDelta)],
    ['Latency p50', ms(a.latencyP50Ms), ms(b.latencyP50Ms), ''],
    ['Latency p95', ms(a.latencyP95Ms), ms(b.latencyP95Ms), ''],
    ['Cost', usd(a.costUsd), usd(b.costUsd), ''],
    ...a.evaluators.map((e): [string, string, string, string] => {
      const other = b.evaluators.find((x) => x.name === e.name);
      const d = other?.passRate != null && e.passRate != null ? signedPct(other.passRate - e.passRate) : '—';
      return [`${e.name} pass rate`, pct(e.passRate), pct(other?.passRate), d];
    }),
  ];
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Aggregates of A and B</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">A (baseline)</th>
            <th scope="col">B (candidate)</th>
            <th scope="col">B − A</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([m, x, y, d]) => (
            <tr key={m}>
              <th scope="row">{m}</th>
              <td>{x}</td>
              <td>{y}</td>
              <td>{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
