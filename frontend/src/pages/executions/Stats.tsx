/** Latency, time to first token, tokens and cost of a finished execution. */
export interface StatsOf {
  latencyMs: number | null;
  timeToFirstTokenMs?: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  cached: boolean;
}

export function ms(value: number | null | undefined): string {
  if (value == null) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value} ms`;
}

export function usd(value: number | null | undefined): string {
  if (value == null) return '—';
  if (value === 0) return '$0';
  return value < 0.01 ? `$${value.toFixed(6)}` : `$${value.toFixed(4)}`;
}

export function Stats({ execution, label = 'Run statistics' }: { execution: StatsOf; label?: string }) {
  return (
    <dl className="kv stats" aria-label={label}>
      <dt>Latency</dt>
      <dd>{ms(execution.latencyMs)}</dd>
      <dt>Time to first token</dt>
      <dd>{ms(execution.timeToFirstTokenMs)}</dd>
      <dt>Tokens in</dt>
      <dd>{execution.tokensIn ?? '—'}</dd>
      <dt>Tokens out</dt>
      <dd>{execution.tokensOut ?? '—'}</dd>
      <dt>Cost</dt>
      <dd>
        {execution.costUsd == null && execution.tokensIn != null ? 'unpriced model' : usd(execution.costUsd)}
        {execution.cached ? ' (cache hit)' : ''}
      </dd>
    </dl>
  );
}
