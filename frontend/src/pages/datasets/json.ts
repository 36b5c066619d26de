/** Compact one-line text for a JSON value in a table cell. */
export function short(value: unknown, max = 120): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An object's entries as `key: value` lines. */
export function entries(value: unknown): [string, string][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, short(v, 200)]);
}

/** Pretty JSON for an editor. */
export function pretty(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** Parses a JSON editor's text; `{}` for blank when `blank` is given. */
export function parseJson(text: string, what: string, blank?: unknown): { value?: unknown; error?: string } {
  if (text.trim() === '') return blank !== undefined ? { value: blank } : { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: `${what} is not valid JSON.` };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
