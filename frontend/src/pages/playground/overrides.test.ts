import { describe, expect, it } from 'vitest';
import { EMPTY_OVERRIDES, overridesFrom } from './overrides';

describe('overridesFrom: the playground per-run settings', () => {
  it('sends nothing when nothing was filled in', () => {
    expect(overridesFrom(EMPTY_OVERRIDES)).toEqual({ ok: true, input: null });
  });

  it('sends only the settings given, typed', () => {
    const result = overridesFrom({
      ...EMPTY_OVERRIDES,
      model: ' lorem ',
      temperature: '0.3',
      maxTokens: '12',
      stop: 'END\n\n###',
      extra: '{"tokens": 3}',
    });
    expect(result).toEqual({
      ok: true,
      input: { model: 'lorem', temperature: 0.3, maxTokens: 12, stop: ['END', '###'], extra: { tokens: 3 } },
    });
  });

  it('names each field that cannot be sent', () => {
    const result = overridesFrom({ ...EMPTY_OVERRIDES, temperature: '3', maxTokens: '1.5', topP: 'x', extra: '[1]' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      temperature: 'temperature must be between 0 and 2',
      maxTokens: 'maxTokens must be a whole number',
      topP: 'topP must be a number',
      extra: 'extra must be a JSON object',
    });
  });

  it('reports JSON that does not parse', () => {
    const result = overridesFrom({ ...EMPTY_OVERRIDES, extra: '{"a":' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.extra).toMatch(/^extra is not JSON/);
  });
});
