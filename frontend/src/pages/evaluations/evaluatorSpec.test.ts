import { describe, expect, it } from 'vitest';
import { buildEvaluator, newEvaluator } from './evaluatorSpec';

describe('buildEvaluator', () => {
  it('builds an exact match with its defaults', () => {
    expect(buildEvaluator(newEvaluator(), 'E1')).toEqual({
      ref: { spec: { name: 'exact', type: 'EXACT_MATCH', normalize: { trim: true } } },
      problems: [],
    });
  });

  it('nests judge model fields and parses numbers', () => {
    const form = newEvaluator('LLM_JUDGE', 'judge');
    form.values.rubric = '{"score": 1}';
    const built = buildEvaluator(form, 'E1');
    expect(built.ref).toEqual({
      spec: { name: 'judge', type: 'LLM_JUDGE', rubric: '{"score": 1}', model: { provider: 'mock', model: 'echo' }, threshold: 0.5 },
    });
  });

  it('names problems and takes saved evaluators by name', () => {
    const form = newEvaluator('JSON_SCHEMA', '');
    form.values.schema = '{nope';
    expect(buildEvaluator(form, 'Evaluator 2').problems).toEqual([
      'Evaluator 2: give it a name.',
      'Evaluator 2: Schema is not valid JSON.',
    ]);
    expect(buildEvaluator({ ...newEvaluator(), source: 'saved', saved: 'polite' }, 'E').ref).toEqual({ saved: 'polite' });
  });

  it('adds weight, required and negate when changed', () => {
    const form = { ...newEvaluator('CONTAINS_ANY', 'any'), weight: '2', required: false, negate: true };
    form.values.values = 'a\n b \n\n';
    expect(buildEvaluator(form, 'E').ref).toEqual({
      spec: { name: 'any', type: 'CONTAINS_ANY', values: ['a', 'b'], weight: 2, required: false, negate: true },
    });
  });
});
