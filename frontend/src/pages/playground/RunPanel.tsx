import { useEffect } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorView, permissionTitle } from '../../components/states';
import { useOrg } from '../../lib/org';
import { ExecutionsCancelMutation, ExecutionsDetailQuery } from '../executions/operations';
import { Stats } from '../executions/Stats';
import { useExecutionStream } from '../executions/useExecutionStream';
import { StreamOutput } from './StreamOutput';
import { isTerminal } from './tokenStream';

/** One run: its tokens as they stream, Cancel while running, then its statistics. */
export function RunPanel({ executionId, onFinished }: { executionId: string; onFinished: () => void }) {
  const { can } = useOrg();
  const canExecute = can('execution:execute');
  const { view, error } = useExecutionStream(executionId);
  const done = isTerminal(view.phase);
  const [cancelled, cancel] = useMutation(ExecutionsCancelMutation);
  // The record, once the run ended: usage, cost and timings are written by then.
  const [record] = useQuery({ query: ExecutionsDetailQuery, variables: { id: executionId }, pause: !done, requestPolicy: 'network-only' });
  const execution = done ? record.data?.execution : null;

  useEffect(() => {
    if (done) onFinished();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [done, executionId]);

  return (
    <section className="card run-panel" aria-labelledby="run-heading">
      <div className="row">
        <h2 id="run-heading" className="run-title">
          Run
        </h2>
        <Link to={`/executions/${executionId}`} className="small">
          Execution details
        </Link>
        <span className="spacer" />
        {!done ? (
          <button
            type="button"
            className="btn btn-danger"
            disabled={!canExecute || cancelled.fetching}
            title={permissionTitle(canExecute, 'cancel executions')}
            onClick={() => cancel({ id: executionId })}
          >
            {cancelled.fetching ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      {/* Once finished, the stored output is authoritative: tokens may have been lost on the way. */}
      <StreamOutput view={view} finalOutput={execution?.output} />
      <ErrorView error={error ?? cancelled.error} />
      {done ? (
        execution ? (
          <div className="run-stats" data-testid="run-stats">
            <h3>Statistics</h3>
            <Stats execution={execution} />
            {execution.finishReason === 'LENGTH' ? <p className="badge warn">Cut by the token limit: the output is incomplete.</p> : null}
          </div>
        ) : record.error ? (
          <ErrorView error={record.error} />
        ) : (
          <p className="muted">Loading statistics…</p>
        )
      ) : null}
    </section>
  );
}
