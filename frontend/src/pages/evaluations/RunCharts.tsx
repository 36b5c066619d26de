import { useEffect, useState } from 'react';
import { useClient, type CombinedError, type OperationResult } from 'urql';
import { ErrorView } from '../../components/states';
import type { EvaluationsAggregateFieldsFragment, EvaluationsResultStatsQuery as EvaluationsResultStatsQueryType } from '../../gql/graphql';
import type { TargetInfo } from './AggregatesTable';
import { BarChart, Histogram } from './charts';
import { histogram } from './chartMath';
import { pct, usd } from './format';
import { EvaluationsResultStatsQuery } from './queries';
import { coverageNote, readPages, type PagesRead } from './resultPages';

const MAX_RESULTS = 2000;
interface Stat {
  targetIndex: number;
  score: number | null;
  latencyMs: number | null;
  costUsd: number;
}

/** Reads every result's score, latency and cost (in pages of 100, up to MAX_RESULTS). */
function useResultStats(runId: string, version: string) {
  const client = useClient();
  const [stats, setStats] = useState<PagesRead<Stat, CombinedError> | null>(null);
  useEffect(() => {
    let stop = false;
    void readPages<Stat, CombinedError>(
      async (after) => {
        const res: OperationResult<EvaluationsResultStatsQueryType> = await client
          .query(EvaluationsResultStatsQuery, { id: runId, first: 100, after }, { requestPolicy: 'network-only' })
          .toPromise();
        const page = res.data?.evaluationRun?.results;
        if (res.error || !page) return { error: res.error };
        return { nodes: page.nodes, hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor };
      },
      MAX_RESULTS,
      () => stop,
    ).then((read) => {
      if (read && !stop) setStats(read);
    });
    return () => {
      stop = true;
    };
  }, [client, runId, version]);
  return stats;
}

/** Pass rate per evaluator, score distribution, latency histogram and cost per target. */
export function RunCharts({
  runId,
  targets,
  aggregates,
  ended,
}: {
  runId: string;
  targets: TargetInfo[];
  aggregates: EvaluationsAggregateFieldsFragment[];
  ended: boolean;
}) {
  const completed = aggregates.reduce((n, a) => n + a.completed, 0);
  // Re-read the results when the run ends, and every 20 results while it runs.
  const stats = useResultStats(runId, ended ? 'ended' : String(Math.floor(completed / 20)));
  const many = targets.length > 1;
  const tag = (index: number) => (many ? `#${index} ` : '');
  const evaluatorBars = aggregates.flatMap((a) =>
    a.evaluators.map((e) => ({ label: `${tag(a.targetIndex)}${e.name}`, value: e.passRate ?? 0, text: pct(e.passRate) })),
  );
  const costBars = aggregates.map((a) => ({
    label: targets.find((t) => t.index === a.targetIndex)?.description ?? `#${a.targetIndex}`,
    value: a.costUsd,
    text: usd(a.costUsd),
  }));
  const scores = (stats?.items ?? []).flatMap((s) => (s.score === null ? [] : [s.score]));
  const latencies = (stats?.items ?? []).flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
  const note = stats ? coverageNote(stats.items.length, completed, stats.incomplete) : null;
  return (
    <section className="card" aria-labelledby="ev-charts-title">
      <h2 id="ev-charts-title">Charts</h2>
      {stats?.error ? <ErrorView error={stats.error} /> : null}
      {note ? <p className="muted">{note}</p> : null}
      <div className="ev-charts">
        <BarChart title="Pass rate per evaluator" bars={evaluatorBars} max={1} unit="Pass rate" />
        <Histogram title="Score distribution" bins={histogram(scores, 10, [0, 1])} xLabel="Score" />
        <Histogram title="Latency histogram" bins={histogram(latencies, 10, undefined, ' ms')} xLabel="Latency (ms)" />
        <BarChart title="Cost per target" bars={costBars} unit="Cost (USD)" />
      </div>
    </section>
  );
}
