import type { ModelOverrideInput } from '../../gql/graphql';

/** The playground's per-run settings as typed: empty means "the version's". */
export interface OverrideForm {
  model: string;
  temperature: string;
  maxTokens: string;
  topP: string;
  /** One stop sequence per line. */
  stop: string;
  /** A JSON object. */
  extra: string;
}

export const EMPTY_OVERRIDES: OverrideForm = { model: '', temperature: '', maxTokens: '', topP: '', stop: '', extra: '' };

export type OverrideResult = { ok: true; input: ModelOverrideInput | null } | { ok: false; errors: Partial<Record<keyof OverrideForm, string>> };

function number(text: string, min: number, max: number, integer: boolean): number | string {
  const value = Number(text.trim());
  if (!Number.isFinite(value)) return 'a number';
  if (integer && !Number.isInteger(value)) return 'a whole number';
  if (value < min || value > max) return `between ${min} and ${max}`;
  return value;
}

/**
 * The `model` argument of `executePrompt` from the form: only the settings that were filled
 * in (the server keeps the version's for the rest), or null when none was; field errors for
 * what cannot be sent. The same bounds as the server's, so most mistakes show before a
 * request (the server checks again and its message is shown if it still refuses).
 */
export function overridesFrom(form: OverrideForm): OverrideResult {
  const input: ModelOverrideInput = {};
  const errors: Partial<Record<keyof OverrideForm, string>> = {};
  if (form.model.trim()) input.model = form.model.trim();
  const numeric: [keyof OverrideForm & ('temperature' | 'maxTokens' | 'topP'), number, number, boolean][] = [
    ['temperature', 0, 2, false],
    ['maxTokens', 1, 1_000_000, true],
    ['topP', 0, 1, false],
  ];
  for (const [key, min, max, integer] of numeric) {
    if (!form[key].trim()) continue;
    const value = number(form[key], min, max, integer);
    if (typeof value === 'string') errors[key] = `${key} must be ${value}`;
    else input[key] = value;
  }
  if (form.stop.trim()) {
    input.stop = form.stop.split('\n').filter((line) => line.length > 0);
  }
  if (form.extra.trim()) {
    try {
      const parsed: unknown = JSON.parse(form.extra);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) errors.extra = 'extra must be a JSON object';
      else input.extra = parsed;
    } catch (error) {
      errors.extra = `extra is not JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: Object.keys(input).length > 0 ? input : null };
}
