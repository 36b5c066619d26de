import { describe, expect, it } from 'vitest';
import { addEvent, emptyStream, viewOf, type StreamEvent } from './tokenStream';

function feed(events: StreamEvent[]) {
  return viewOf(events.reduce(addEvent, emptyStream));
}

const started = (seq: number, attempt = 1): StreamEvent => ({ seq, type: 'STARTED', attempt });
const token = (seq: number, index: number, text: string, attempt = 1): StreamEvent => ({
  seq,
  type: 'TOKEN',
  token: text,
  index,
  attempt,
});

describe('token stream', () => {
  it('joins tokens in order and ends on COMPLETED', () => {
    const view = feed([started(1), token(2, 0, 'Hello'), token(3, 1, ' world'), { seq: 4, type: 'COMPLETED' }]);
    expect(view.output).toBe('Hello world');
    expect(view.tokens).toEqual(['Hello', ' world']);
    expect(view.phase).toBe('COMPLETED');
    expect(view.lastSeq).toBe(4);
    expect(view.gap).toBe(false);
  });

  it('ignores duplicates', () => {
    const view = feed([started(1), token(2, 0, 'a'), token(2, 0, 'a'), token(3, 1, 'b'), token(3, 1, 'b')]);
    expect(view.output).toBe('ab');
    expect(view.phase).toBe('streaming');
  });

  it('orders out-of-order events by seq', () => {
    const view = feed([token(4, 2, 'c'), started(1), token(3, 1, 'b'), token(2, 0, 'a')]);
    expect(view.output).toBe('abc');
  });

  it('shows a gap while a token is missing, and fills it when it arrives', () => {
    const partial = [started(1), token(2, 0, 'a'), token(4, 2, 'c')];
    expect(feed(partial).gap).toBe(true);
    expect(feed([...partial, token(3, 1, 'b')]).output).toBe('abc');
  });

  it('starts over on a new attempt and drops the older attempt’s late tokens', () => {
    const view = feed([started(1), token(2, 0, 'old'), started(3, 2), token(4, 0, 'new', 2), token(5, 1, 'x', 1)]);
    expect(view.output).toBe('new');
    expect(view.attempt).toBe(2);
  });

  it('reports a failure with its error', () => {
    const view = feed([started(1), token(2, 0, 'a'), { seq: 3, type: 'FAILED', error: 'provider said no' }]);
    expect(view.phase).toBe('FAILED');
    expect(view.error).toBe('provider said no');
    expect(view.output).toBe('a');
  });

  it('waits before any event', () => {
    expect(feed([]).phase).toBe('waiting');
  });
});
