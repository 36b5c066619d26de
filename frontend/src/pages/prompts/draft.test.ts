import { describe, expect, it } from 'vitest';
import { draftFrom, emptyDraft, toVersionInput } from './draft';

describe('toVersionInput', () => {
  it('converts a draft with numbers, stop lines and extra JSON', () => {
    const draft = emptyDraft();
    draft.messages[0]!.content = 'About {{ topic }}';
    draft.model = { ...draft.model, temperature: '0.2', maxTokens: '100', stop: 'END\n\n###', extra: '{"tokenDelayMs": 60}' };
    draft.commitMessage = ' first ';
    expect(toVersionInput(draft)).toEqual({
      input: {
        messages: [{ role: 'USER', content: 'About {{ topic }}' }],
        model: { provider: 'MOCK', model: 'echo', temperature: 0.2, maxTokens: 100, topP: null, stop: ['END', '###'], extra: { tokenDelayMs: 60 } },
        commitMessage: 'first',
      },
    });
  });

  it('names each problem', () => {
    const draft = emptyDraft();
    draft.model = { ...draft.model, model: ' ', temperature: '3', maxTokens: '1.5', topP: 'x', extra: '[1]' };
    const result = toVersionInput(draft);
    expect('problems' in result && Object.keys(result.problems).sort()).toEqual(['extra', 'maxTokens', 'model', 'temperature', 'topP']);
  });

  it('round-trips a stored version', () => {
    const draft = draftFrom({
      messages: [{ role: 'SYSTEM', content: 'Be brief.' }],
      model: { provider: 'OPENAI', model: 'gpt-4o-mini', temperature: 0.5, maxTokens: null, topP: null, stop: ['x'], extra: {} },
    });
    const result = toVersionInput(draft);
    expect('input' in result && result.input.model).toEqual({
      provider: 'OPENAI',
      model: 'gpt-4o-mini',
      temperature: 0.5,
      maxTokens: null,
      topP: null,
      stop: ['x'],
      extra: {},
    });
  });
});
