import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { authoritativeOutput, StreamOutput } from './StreamOutput';
import { addEvent, emptyStream, viewOf, type StreamEvent } from './tokenStream';

function viewFrom(events: StreamEvent[]) {
  return viewOf(events.reduce(addEvent, emptyStream));
}

afterEach(cleanup);

describe('StreamOutput', () => {
  it('renders tokens in seq order whatever the arrival order, once each', () => {
    const view = viewFrom([
      { seq: 3, type: 'TOKEN', token: ' world', index: 1, attempt: 1 },
      { seq: 1, type: 'STARTED', attempt: 1 },
      { seq: 2, type: 'TOKEN', token: 'Hello', index: 0, attempt: 1 },
      { seq: 3, type: 'TOKEN', token: ' world', index: 1, attempt: 1 },
    ]);
    render(<StreamOutput view={view} />);
    expect(screen.getByTestId('stream-output').textContent).toBe('Hello world▍');
    // The live region holds the phase only: the count changes with every token.
    expect(screen.getByRole('status').textContent).toBe('Streaming');
    expect(screen.getByTestId('stream-token-count').textContent).toBe('2 tokens');
  });

  it('says when the run completed, as text', () => {
    const view = viewFrom([
      { seq: 1, type: 'STARTED', attempt: 1 },
      { seq: 2, type: 'TOKEN', token: 'Hi', index: 0, attempt: 1 },
      { seq: 3, type: 'COMPLETED' },
    ]);
    render(<StreamOutput view={view} />);
    expect(screen.getByTestId('stream-output').textContent).toBe('Hi');
    expect(screen.getByRole('status').textContent).toBe('Completed');
  });

  it('shows a failure', () => {
    render(<StreamOutput view={viewFrom([{ seq: 1, type: 'FAILED', error: 'no key' }])} />);
    expect(screen.getByRole('alert').textContent).toBe('Error: no key');
  });

  it('shows the stored output once finished when token events were lost', () => {
    const view = viewFrom([
      { seq: 1, type: 'STARTED', attempt: 1 },
      { seq: 2, type: 'TOKEN', token: 'Hello', index: 0, attempt: 1 },
      // seq 3 (" world") never arrived
      { seq: 4, type: 'COMPLETED' },
    ]);
    render(<StreamOutput view={view} finalOutput="Hello world" />);
    expect(screen.getByTestId('stream-output').textContent).toBe('Hello world');
    expect(screen.getByText(/showing the stored output/)).toBeTruthy();
  });

  it('keeps the tokens when the stored output agrees, or while running', () => {
    const done = viewFrom([
      { seq: 1, type: 'STARTED', attempt: 1 },
      { seq: 2, type: 'TOKEN', token: 'Hi', index: 0, attempt: 1 },
      { seq: 3, type: 'COMPLETED' },
    ]);
    expect(authoritativeOutput(done, 'Hi')).toBeNull();
    expect(authoritativeOutput(done, null)).toBeNull();
    expect(authoritativeOutput(done, 'Hi there')).toBe('Hi there');
    const running = viewFrom([{ seq: 1, type: 'STARTED', attempt: 1 }]);
    expect(authoritativeOutput(running, 'Hi there')).toBeNull();
    const cancelled = viewFrom([
      { seq: 1, type: 'TOKEN', token: 'Hi', index: 0, attempt: 1 },
      { seq: 2, type: 'CANCELLED' },
    ]);
    expect(authoritativeOutput(cancelled, '')).toBeNull();
  });
});
