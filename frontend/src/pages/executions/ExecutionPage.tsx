import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorView, PageHeader, permissionTitle, QueryState } from '../../components/states';
import { useOrg } from '../../lib/org';
import { StreamOutput } from '../playground/StreamOutput';
import { isTerminal } from '../playground/tokenStream';
import { ExecutionsCancelMutation, ExecutionsDetailQuery } from './operations';
import { ms, Stats } from './Stats';
import { useExecutionStream } from './useExecutionStream';

function time(value: string | null): string {
  return value ? new Date(value).toLocaleString() : '—';
}

export function ExecutionPage() {
  const { id = '' } = useParams();
  const { can } = useOrg();
  const canExecute = can('execution:execute');
  const [result, reexecute] = useQuery({ query: ExecutionsDetailQuery, variables: { id } });
  const { view, error: streamError } = useExecutionStream(id || null);
  const [cancelled, cancel] = useMutation(ExecutionsCancelMutation);
  const ended = isTerminal(view.phase);
  // The record again once the stream ends: output, usage and timings are written then.
  useEffect(() => {
    if (ended) reexecute({ requestPolicy: 'network-only' });
  }, [ended, reexecute]);

  const e = result.data?.execution;
  const running = e ? e.status === 'PENDING' || e.status === 'RUNNING' : false;
  return (
    <QueryState fetching={result.fetching} error={result.error} hasData={!!e}>
      {e ? (
        <>
          <PageHeader
            title={
              <>
                Execution <span className={`badge status-${e.status}`}>{e.status.toLowerCase()}</span>
              </>
            }
            actions={
              running && !ended ? (
                <button
                  type="button"
                  className="btn btn-danger"
                  disabled={!canExecute || cancelled.fetching}
                  title={permissionTitle(canExecute, 'cancel executions')}
                  onClick={() => cancel({ id: e.id })}
                >
                  Cancel
                </button>
              ) : e.prompt ? (
                <Link className="btn" to={`/playground?prompt=${e.prompt.id}${e.version ? `&version=${e.version.version}` : ''}`}>
                  Run again in the playground
                </Link>
              ) : null
            }
          >
            <p className="muted">
              <Link to="/executions">Executions</Link> / <span className="mono">{e.id}</span>
            </p>
          </PageHeader>
          <ErrorView error={cancelled.error} />
          <div className="execution-layout">
            <section className="card" aria-labelledby="exec-summary">
              <h2 id="exec-summary">Summary</h2>
              <dl className="kv">
                <dt>Prompt</dt>
                <dd>
                  {e.prompt ? <Link to={`/prompts/${e.prompt.id}`}>{e.prompt.name}</Link> : 'deleted'}
                  {e.version ? ` v${e.version.version}` : ''}
                </dd>
                <dt>Model</dt>
                <dd className="mono">{`${e.model.provider.toLowerCase()}/${e.model.model}`}</dd>
                <dt>Settings</dt>
                <dd className="mono">{settingsText(e.model)}</dd>
                <dt>Started by</dt>
                <dd>{e.createdBy?.name ?? 'an API key'}</dd>
                <dt>Created</dt>
                <dd>{time(e.createdAt)}</dd>
                <dt>Started</dt>
                <dd>{time(e.startedAt)}</dd>
                <dt>Finished</dt>
                <dd>{time(e.finishedAt)}</dd>
                <dt>Attempts</dt>
                <dd>{e.attempts}</dd>
                <dt>Finish reason</dt>
                <dd>{e.finishReason?.toLowerCase() ?? '—'}</dd>
              </dl>
              <h3>Usage and cost</h3>
              <Stats execution={e} label="Usage, cost and timings" />
              {e.latencyMs != null && e.timeToFirstTokenMs != null ? (
                <p className="muted small">Streaming after the first token took {ms(e.latencyMs - e.timeToFirstTokenMs)}.</p>
              ) : null}
            </section>
            <section className="card" aria-labelledby="exec-output">
              <h2 id="exec-output">Output</h2>
              <p className="muted small">Replayed from the execution's events{ended ? '' : ', live while it runs'}.</p>
              <StreamOutput view={view} label="Streamed output" />
              <ErrorView error={streamError} />
              {e.error ? (
                <div className="state error" role="alert">
                  <p className="state-title">The execution failed</p>
                  <p>{e.error}</p>
                </div>
              ) : null}
              {e.output != null && e.output !== view.output && ended ? (
                <>
                  <h3>Stored output</h3>
                  <p className="muted small">Some token events were not kept; this is the output as recorded.</p>
                  <pre>{e.output}</pre>
                </>
              ) : null}
            </section>
          </div>
          <section className="card" aria-labelledby="exec-input">
            <h2 id="exec-input">Input</h2>
            <h3>Variables</h3>
            <pre>{JSON.stringify(e.variables, null, 2)}</pre>
            <h3>Rendered messages</h3>
            {e.renderedMessages.map((m, i) => (
              <div key={i} className="rendered-message">
                <span className="badge">{m.role.toLowerCase()}</span>
                <pre>{m.content}</pre>
              </div>
            ))}
          </section>
        </>
      ) : null}
    </QueryState>
  );
}

/** The settings an execution ran with, in one line (its version's unless overridden). */
function settingsText(m: { temperature: number | null; maxTokens: number | null; topP: number | null; stop: string[]; extra: unknown }): string {
  const parts = [
    m.temperature !== null ? `temperature ${m.temperature}` : null,
    m.maxTokens !== null ? `maxTokens ${m.maxTokens}` : null,
    m.topP !== null ? `topP ${m.topP}` : null,
    m.stop.length > 0 ? `stop ${JSON.stringify(m.stop)}` : null,
    m.extra && typeof m.extra === 'object' && Object.keys(m.extra).length > 0 ? `extra ${JSON.stringify(m.extra)}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' · ') : 'defaults';
}
