import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { CombinedError, Provider, type Client, type OperationResult } from 'urql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useRunEvents, type RunEvent } from './runEvents';

type Listener = (result: Partial<OperationResult>) => void;

/** A client whose subscriptions are driven by the test. */
function fakeClient() {
  const subs: { variables: { runId: string; after: number | null }; listener: Listener; closed: boolean }[] = [];
  const client = {
    subscription: (_query: unknown, variables: { runId: string; after: number | null }) => ({
      subscribe: (listener: Listener) => {
        const sub = { variables, listener, closed: false };
        subs.push(sub);
        return { unsubscribe: () => void (sub.closed = true) };
      },
    }),
  } as unknown as Client;
  return { client, subs };
}

const event = (seq: number, rest: Partial<RunEvent> = {}): RunEvent => ({
  seq, type: 'RUN_STATUS', node: null, status: 'RUNNING', attempt: null, index: null, item: null, text: null, error: null, ...rest,
});
const failure = (code: string) => new CombinedError({ graphQLErrors: [{ message: code.toLowerCase(), extensions: { code } }] });

function setup() {
  const fake = fakeClient();
  const wrapper = ({ children }: { children: ReactNode }) => <Provider value={fake.client}>{children}</Provider>;
  const hook = renderHook(() => useRunEvents('run-1', 0, () => {}), { wrapper });
  return { ...fake, hook };
}

describe('useRunEvents', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps a FORBIDDEN error, stops streaming, and reconnects after the last event on demand', () => {
    const { subs, hook } = setup();
    expect(hook.result.current.streaming).toBe(true);
    act(() => {
      subs[0]!.listener({ data: { workflowRunEvents: event(1) } });
      subs[0]!.listener({ data: { workflowRunEvents: event(2, { type: 'NODE_STATUS', node: 'a', status: 'EXECUTING', attempt: 1 }) } });
      subs[0]!.listener({ error: failure('FORBIDDEN') });
    });
    expect(hook.result.current.streaming).toBe(false);
    expect(hook.result.current.problem?.code).toBe('FORBIDDEN');
    act(() => void vi.advanceTimersByTime(5000));
    expect(subs).toHaveLength(1); // not retried on its own
    act(() => hook.result.current.reconnect());
    expect(subs).toHaveLength(2);
    expect(subs[1]!.variables.after).toBe(2);
    expect(hook.result.current.problem).toBeNull();
    expect(hook.result.current.streaming).toBe(true);
    expect(hook.result.current.live.nodes.a?.status).toBe('EXECUTING');
  });

  it('resubscribes once on its own after UNAVAILABLE, then shows the error', () => {
    const { subs, hook } = setup();
    act(() => {
      subs[0]!.listener({ data: { workflowRunEvents: event(1) } });
      subs[0]!.listener({ error: failure('UNAVAILABLE') });
    });
    expect(hook.result.current.streaming).toBe(false);
    act(() => void vi.advanceTimersByTime(1000));
    expect(subs).toHaveLength(2);
    expect(subs[0]!.closed).toBe(true);
    expect(subs[1]!.variables.after).toBe(1);
    act(() => subs[1]!.listener({ error: failure('UNAVAILABLE') }));
    act(() => void vi.advanceTimersByTime(5000));
    expect(subs).toHaveLength(2);
    expect(hook.result.current.problem?.code).toBe('UNAVAILABLE');
    expect(hook.result.current.streaming).toBe(false);
  });
});
