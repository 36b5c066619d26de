import type { EvaluationsAggregateFieldsFragment } from '../../gql/graphql';
import { ms, pct, score, usd } from './format';

export interface TargetInfo {
  index: number;
  description: string;
}

/** Per target: pass rate, mean score, latency, tokens and cost. */
export function AggregatesTable({ targets, aggregates }: { targets: TargetInfo[]; aggregates: EvaluationsAggregateFieldsFragment[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Aggregates per target</caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Done</th>
            <th scope="col">Pass rate</th>
            <th scope="col">Mean score</th>
            <th scope="col">Latency p50 / p95</th>
            <th scope="col">Tokens in / out</th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => {
            const a = aggregates.find((x) => x.targetIndex === t.index);
            return (
              <tr key={t.index}>
                <th scope="row">
                  <span className="muted">#{t.index}</span> {t.description}
                </th>
                <td>{a ? `${a.completed} / ${a.total}` : '—'}</td>
                <td>
                  {pct(a?.passRate)}
                  {a ? <div className="muted ev-small">{`${a.passed} passed, ${a.failed} failed, ${a.errored} errors`}</div> : null}
                </td>
                <td>{score(a?.meanScore)}</td>
                <td>
                  {ms(a?.latencyP50Ms)} / {ms(a?.latencyP95Ms)}
                </td>
                <td>
                  {a?.tokensIn ?? 0} / {a?.tokensOut ?? 0}
                </td>
                <td>{usd(a?.costUsd)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
