/** Numbers as people read them on the evaluation pages. */
export function pct(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

export function signedPct(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return '—';
  const points = delta * 100;
  return `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points).toFixed(1)} points`;
}

export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(2);
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value} ms`;
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value === 0) return '$0';
  return value < 0.01 ? `$${value.toFixed(5)}` : `$${value.toFixed(3)}`;
}

export function pValue(p: number): string {
  if (p < 0.0001) return p.toExponential(1);
  return String(Math.round(p * 10000) / 10000);
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Run statuses as words (the badge also has the colour). */
export const STATUS_TEXT: Record<string, string> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  FINISHED: 'Finished',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export function StatusBadge({ status }: { status: string }) {
  const cls = status === 'FINISHED' ? 'ok' : status === 'FAILED' ? 'bad' : status === 'CANCELLED' ? 'warn' : 'info';
  return <span className={`badge ${cls}`}>{STATUS_TEXT[status] ?? status}</span>;
}
