import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg } from '../../lib/org';
import type { EvaluationsRunEventsSubscription } from '../../gql/graphql';
import { AggregatesTable } from './AggregatesTable';
import { ms, StatusBadge, usd, when } from './format';
import { EvaluationsCancelMutation, EvaluationsRunEvents, EvaluationsRunQuery } from './queries';
import { progressStep, progressText, type ProgressCounts } from './progressAnnounce';
import { ResultsTable } from './ResultsTable';
import { RunCharts } from './RunCharts';

type Progress = ProgressCounts;
interface Live {
  seq: number;
  status: string | null;
  progress: Progress | null;
  error: string | null;
}

const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELLED']);

function reduce(prev: Live | undefined, data: EvaluationsRunEventsSubscription): Live {
  const base: Live = prev ?? { seq: -1, status: null, progress: null, error: null };
  const e = data.evaluationRunEvents;
  if (e.seq <= base.seq) return base;
  return {
    seq: e.seq,
    status: e.type === 'RUN_STATUS' && e.status ? e.status : base.status,
    progress: e.progress ?? base.progress,
    error: e.error ?? base.error,
  };
}

/** `/evaluations/:id`: live progress, aggregates and charts, and the results with diffs. */
export default function RunPage() {
  const { id = '' } = useParams();
  const { can } = useOrg();
  const canRun = can('evaluation:execute');
  const [result, reexecute] = useQuery({ query: EvaluationsRunQuery, variables: { id } });
  const run = result.data?.evaluationRun;
  const ended = run ? TERMINAL.has(run.status) : false;
  const [events] = useSubscription({ query: EvaluationsRunEvents, variables: { runId: id }, pause: !run || ended }, reduce);
  const [cancelled, cancel] = useMutation(EvaluationsCancelMutation);
  const live = events.data;
  // Once the run row says it ended, it is the truth: the subscription stops there, and its
  // last event may predate the end (a fast run ends before the events catch up).
  const status = ended && run ? run.status : (live?.status ?? run?.status ?? 'PENDING');
  const progress = ended && run ? run.progress : (live?.progress ?? run?.progress ?? null);

  // Refresh aggregates now and then while it runs, and once at the end.
  const last = useRef(0);
  useEffect(() => {
    if (!live) return;
    const now = Date.now();
    const finished = live.status !== null && TERMINAL.has(live.status);
    if (finished || now - last.current > 3000) {
      last.current = now;
      reexecute({ requestPolicy: 'network-only' });
    }
  }, [live, reexecute]);

  const running = !TERMINAL.has(status);
  return (
    <QueryState fetching={result.fetching} error={result.error} hasData={!!run}>
      {run ? (
        <>
          <p className="muted ds-crumbs">
            <Link to="/evaluations">Evaluations</Link> / run
          </p>
          <PageHeader
            title={run.name || `Run ${run.id.slice(0, 8)}`}
            actions={
              <>
                {run.targets.length > 1 && !running ? (
                  <Link className="btn" to={`/evaluations/compare?a=${run.id}&b=${run.id}&ta=0&tb=1`}>
                    Compare targets
                  </Link>
                ) : null}
                {running ? (
                  <button
                    type="button"
                    className="btn btn-danger"
                    disabled={!canRun || cancelled.fetching}
                    title={permissionTitle(canRun, 'cancel evaluations')}
                    onClick={() => void cancel({ id: run.id })}
                  >
                    Cancel run
                  </button>
                ) : null}
              </>
            }
          >
            <p className="row">
              <StatusBadge status={status} />
              <span className="muted">
                <Link to={`/datasets/${run.datasetId}`}>Dataset</Link> v{run.datasetVersion} · started {when(run.startedAt ?? run.createdAt)}
                {run.finishedAt ? ` · finished ${when(run.finishedAt)}` : ''} · concurrency {run.concurrency}
              </span>
            </p>
          </PageHeader>
          {cancelled.error ? <ErrorView error={cancelled.error} /> : null}
          {run.error || live?.error ? (
            <ErrorView problem={{ code: 'INTERNAL', title: 'The run failed.', detail: live?.error ?? run.error ?? '', issues: [] }} />
          ) : null}
          {progress ? <ProgressBar progress={progress} running={running} /> : null}

          <section className="card" aria-labelledby="ev-targets-title">
            <h2 id="ev-targets-title">Targets</h2>
            <AggregatesTable targets={run.targets} aggregates={run.aggregates} />
            <p className="muted ev-small">
              Spend: {run.tokensIn} tokens in, {run.tokensOut} out, {usd(run.costUsd)} (targets and judges together).
              {run.aggregates[0]?.latencyP50Ms != null ? ` Latency p50 ${ms(run.aggregates[0].latencyP50Ms)}.` : ''}
            </p>
          </section>
          <RunCharts runId={run.id} targets={run.targets} aggregates={run.aggregates} ended={!running} />
          <ResultsTable runId={run.id} targets={run.targets} refreshKey={running ? (live?.seq ?? 0) : -1} />
        </>
      ) : null}
    </QueryState>
  );
}

function ProgressBar({ progress, running }: { progress: Progress; running: boolean }) {
  const { total, completed } = progress;
  const text = progressText(progress, running);
  // The live region changes at most every 10 % and at the end, not after every item.
  const step = progressStep(completed, total, running);
  const [said, setSaid] = useState({ step, text });
  if (said.step !== step) setSaid({ step, text });
  return (
    <section className="card ev-progress" aria-labelledby="ev-progress-title">
      <h2 id="ev-progress-title" className="visually-hidden">
        Progress
      </h2>
      <div className="row">
        <progress id="ev-progress-bar" max={Math.max(1, total)} value={completed} aria-label="Items done" />
        <span>{text}</span>
        <span className="visually-hidden" aria-live="polite">
          Progress: {said.text}
        </span>
      </div>
    </section>
  );
}
