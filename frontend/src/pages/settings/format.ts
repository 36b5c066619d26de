/** Small formatting helpers for the settings pages (pure, so they are unit-tested). */

/** A timestamp as the reader's local date and time; "—" when absent. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Whether an ISO timestamp is in the past (relative to `now`). */
export function isPast(iso: string | null | undefined, now: Date = new Date()): boolean {
  if (!iso) return false;
  const time = new Date(iso).getTime();
  return !Number.isNaN(time) && time <= now.getTime();
}

/** Expiry choices for a new API key, in days (null: never). */
export const EXPIRY_CHOICES: { value: string; label: string; days: number | null }[] = [
  { value: 'never', label: 'Never', days: null },
  { value: '7', label: 'In 7 days', days: 7 },
  { value: '30', label: 'In 30 days', days: 30 },
  { value: '90', label: 'In 90 days', days: 90 },
  { value: '365', label: 'In 1 year', days: 365 },
  { value: 'date', label: 'On a date…', days: null },
];

/**
 * The `expiresAt` to send for an expiry choice: null for never, `now + days` for a preset,
 * the end of the chosen local day for a date (`YYYY-MM-DD`). Undefined when the choice is a
 * date that is missing, malformed or not in the future.
 */
export function expiryFor(choice: string, date: string, now: Date = new Date()): string | null | undefined {
  if (choice === 'never') return null;
  if (choice === 'date') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!match) return undefined;
    const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
    if (Number.isNaN(end.getTime()) || end.getTime() <= now.getTime()) return undefined;
    return end.toISOString();
  }
  const preset = EXPIRY_CHOICES.find((c) => c.value === choice);
  if (!preset || preset.days === null) return undefined;
  return new Date(now.getTime() + preset.days * 86_400_000).toISOString();
}

/** A JSON summary as one short line of text (for the audit log). */
export function summaryText(summary: unknown, max = 160): string {
  if (summary === null || summary === undefined) return '';
  if (typeof summary === 'object' && !Array.isArray(summary) && Object.keys(summary).length === 0) return '';
  const text = typeof summary === 'string' ? summary : JSON.stringify(summary);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
