import type { StreamView } from './tokenStream';

const PHASE_TEXT: Record<StreamView['phase'], string> = {
  waiting: 'Waiting for the model…',
  streaming: 'Streaming',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

const PHASE_CLASS: Record<StreamView['phase'], string> = {
  waiting: 'status-PENDING',
  streaming: 'status-RUNNING',
  COMPLETED: 'status-SUCCEEDED',
  FAILED: 'status-FAILED',
  CANCELLED: 'status-CANCELLED',
};

/**
 * The output of an execution as its token events build it, in order. The text itself is not
 * a live region (a screen reader would read every token); the phase is, and the full output
 * can be read once the run ends.
 */
export function StreamOutput({ view, label = 'Output' }: { view: StreamView; label?: string }) {
  const running = view.phase === 'waiting' || view.phase === 'streaming';
  return (
    <div className="stream">
      <div className="row stream-head">
        <h3 className="stream-title">{label}</h3>
        <span className={`badge ${PHASE_CLASS[view.phase]}`} role="status" data-phase={view.phase}>
          {PHASE_TEXT[view.phase]}
          {view.phase === 'streaming' ? ` · ${view.tokens.length} tokens` : ''}
        </span>
        {view.attempt !== null && view.attempt > 1 ? <span className="badge warn">attempt {view.attempt}</span> : null}
        {view.gap && running ? <span className="muted small">(a token is late; it will fill in)</span> : null}
      </div>
      <pre className="stream-output" data-testid="stream-output" role="region" aria-busy={running} aria-label={label} tabIndex={0}>
        {view.tokens.map((token, i) => (
          <span key={i} className="token">
            {token}
          </span>
        ))}
        {running ? <span className="stream-cursor" aria-hidden="true">▍</span> : null}
        {!running && view.tokens.length === 0 ? <span className="muted">(no output)</span> : null}
      </pre>
      {view.error ? (
        <p className="stream-error" role="alert">
          Error: {view.error}
        </p>
      ) : null}
    </div>
  );
}
