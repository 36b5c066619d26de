import { describe, expect, it } from 'vitest';
import { applyEvent, emptyLive, type RunEvent } from './runEvents';

const ev = (seq: number, type: RunEvent['type'], rest: Partial<RunEvent> = {}): RunEvent => ({
  seq, type, node: null, status: null, attempt: null, index: null, item: null, text: null, error: null, ...rest,
});

describe('run events', () => {
  it('folds statuses, tokens and outputs, ignoring replays and superseded attempts', () => {
    const events = [
      ev(1, 'RUN_STATUS', { status: 'RUNNING' }),
      ev(2, 'NODE_STATUS', { node: 'a', status: 'EXECUTING', attempt: 1 }),
      ev(3, 'NODE_TOKEN', { node: 'a', attempt: 1, text: 'Hello' }),
      ev(3, 'NODE_TOKEN', { node: 'a', attempt: 1, text: 'Hello' }),
      ev(4, 'NODE_STATUS', { node: 'a', status: 'RETRYING', attempt: 1, error: 'boom' }),
      ev(5, 'NODE_STATUS', { node: 'a', status: 'EXECUTING', attempt: 2 }),
      ev(6, 'NODE_TOKEN', { node: 'a', attempt: 1, text: ' stale' }),
      ev(7, 'NODE_TOKEN', { node: 'a', attempt: 2, text: 'Hi' }),
      ev(8, 'NODE_OUTPUT', { node: 'a', attempt: 2, text: 'Hi' }),
      ev(9, 'NODE_STATUS', { node: 'a', status: 'COMPLETED', attempt: 2 }),
      ev(10, 'RUN_OUTPUT', { text: 'Hi' }),
      ev(11, 'RUN_STATUS', { status: 'FINISHED' }),
    ];
    const live = events.reduce(applyEvent, emptyLive());
    expect(live.lastSeq).toBe(11);
    expect(live.status).toBe('FINISHED');
    expect(live.output).toBe('Hi');
    expect(live.nodes.a).toMatchObject({ status: 'COMPLETED', attempt: 2, tokens: 'Hi', output: 'Hi', error: null });
    expect(live.nodes.a?.history).toEqual(['EXECUTING', 'RETRYING', 'EXECUTING', 'COMPLETED']);
  });
});
