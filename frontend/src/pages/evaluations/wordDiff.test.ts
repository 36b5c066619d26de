import { describe, expect, it } from 'vitest';
import { asText, tokens, wordDiff } from './wordDiff';

describe('wordDiff', () => {
  it('is all same for equal text', () => {
    expect(wordDiff('Paris', 'Paris')).toEqual([{ kind: 'same', text: 'Paris' }]);
  });

  it('marks words added around a common one', () => {
    expect(wordDiff('Paris', 'The capital is Paris')).toEqual([
      { kind: 'added', text: 'The capital is ' },
      { kind: 'same', text: 'Paris' },
    ]);
  });

  it('marks a replaced word in the middle', () => {
    expect(wordDiff('the quick brown fox', 'the slow brown fox')).toEqual([
      { kind: 'same', text: 'the ' },
      { kind: 'removed', text: 'quick' },
      { kind: 'added', text: 'slow' },
      { kind: 'same', text: ' brown fox' },
    ]);
  });

  it('handles empty sides', () => {
    expect(wordDiff('', 'new words')).toEqual([{ kind: 'added', text: 'new words' }]);
    expect(wordDiff('old', '')).toEqual([{ kind: 'removed', text: 'old' }]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('rebuilds both sides from its parts', () => {
    const before = 'a b c d e f g';
    const after = 'a x c d y f g z';
    const parts = wordDiff(before, after);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
  });

  it('tokenises words and whitespace', () => {
    expect(tokens('a  b\nc')).toEqual(['a', '  ', 'b', '\n', 'c']);
    expect(asText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(asText(null)).toBe('');
  });
});
