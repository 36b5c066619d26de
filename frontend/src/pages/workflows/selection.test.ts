import { describe, expect, it } from 'vitest';
import { pickSelection } from './selection';

describe('pickSelection', () => {
  it('keeps a node listed before the selected one selected (select comes before deselect)', () => {
    const changes = [
      { id: 'a', selected: true },
      { id: 'b', selected: false },
    ];
    expect(pickSelection(changes, 'b')).toBe('a');
  });
  it('selects a node listed after the selected one', () => {
    expect(pickSelection([{ id: 'b', selected: false }, { id: 'c', selected: true }], 'b')).toBe('c');
  });
  it('clears the selection when the batch only deselects the current item', () => {
    expect(pickSelection([{ id: 'b', selected: false }], 'b')).toBeNull();
  });
  it('leaves the selection alone when nothing relevant changes', () => {
    expect(pickSelection([{ id: 'x', selected: false }], 'b')).toBeUndefined();
    expect(pickSelection([{ id: 'b', selected: true }], 'b')).toBeUndefined();
    expect(pickSelection([], null)).toBeUndefined();
  });
});
