import { isTerminal, type StreamView } from './tokenStream';

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
 * The stored output of a finished execution, when it should replace the streamed tokens: the
 * terminal `execution { output }` is authoritative (token events can be lost), so once the
 * run ended and the record differs from what streamed, the record wins. Null: keep the tokens.
 */
export function authoritativeOutput(view: StreamView, finalOutput: string | null | undefined): string | null {
  if (!isTerminal(view.phase) || finalOutput == null) return null;
  if (finalOutput === view.output) return null;
  // A failed or cancelled run may have stored nothing: then what streamed is all there is.
  if (finalOutput === '' && view.phase !== 'COMPLETED') return null;
  return finalOutput;
}

/**
 * The output of an execution as its token events build it, in order. The text itself is not
 * a live region (a screen reader would read every token); the phase is (and only the phase:
 * the token count beside it would be re-announced on every token), and the full output can be
 * read once the run ends. `finalOutput`, the stored output once the run ended, replaces the
 * tokens when it differs (see `authoritativeOutput`).
 */
export function StreamOutput({
  view,
  label = 'Output',
  finalOutput,
}: {
  view: StreamView;
  label?: string;
  finalOutput?: string | null;
}) {
  const running = view.phase === 'waiting' || view.phase === 'streaming';
  const stored = authoritativeOutput(view, finalOutput);
  return (
    <div className="stream">
      <div className="row stream-head">
        <h3 className="stream-title">{label}</h3>
        <span className={`badge ${PHASE_CLASS[view.phase]}`} role="status" data-phase={view.phase}>
          {PHASE_TEXT[view.phase]}
        </span>
        {view.phase === 'streaming' ? (
          <span className="muted small" data-testid="stream-token-count">
            {view.tokens.length} {view.tokens.length === 1 ? 'token' : 'tokens'}
          </span>
        ) : null}
        {view.attempt !== null && view.attempt > 1 ? <span className="badge warn">attempt {view.attempt}</span> : null}
        {view.gap && running ? <span className="muted small">(a token is late; it will fill in)</span> : null}
        {stored !== null ? <span className="muted small">(some tokens did not arrive: showing the stored output)</span> : null}
      </div>
      <pre className="stream-output" data-testid="stream-output" role="region" aria-busy={running} aria-label={label} tabIndex={0}>
        {stored !== null
          ? stored
          : view.tokens.map((token, i) => (
              <span key={i} className="token">
                {token}
              </span>
            ))}
        {running ? <span className="stream-cursor" aria-hidden="true">▍</span> : null}
        {!running && stored === null && view.tokens.length === 0 ? <span className="muted">(no output)</span> : null}
      </pre>
      {view.error ? (
        <p className="stream-error" role="alert">
          Error: {view.error}
        </p>
      ) : null}
    </div>
  );
}
