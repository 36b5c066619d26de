// A run's live state, folded from its `workflowRunEvents` (pure), and the hook that follows them.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { WorkflowsRunEventsSubscription as EventsData } from '../../gql/graphql';
import { problemOf, type Problem } from '../../lib/errors';
import { WorkflowsRunEventsSubscription } from './operations';

export type RunEvent = EventsData['workflowRunEvents'];

export interface LiveNode {
  status: string;
  attempt: number;
  /** The streamed tokens of the node's current attempt. */
  tokens: string;
  tokenAttempt: number;
  output: string | null;
  error: string | null;
  /** Every status it went through, in order. */
  history: string[];
}
export interface LiveRun {
  lastSeq: number;
  status: string | null;
  error: string | null;
  output: string | null;
  nodes: Record<string, LiveNode>;
}

export const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELLED']);
export const emptyLive = (): LiveRun => ({ lastSeq: 0, status: null, error: null, output: null, nodes: {} });

/** How a node or run status reads. */
export function statusLabel(status: string): string {
  switch (status) {
    case 'EXECUTING': return 'running';
    case 'WAITING': return 'waiting for approval';
    default: return status.toLowerCase();
  }
}

/** A status badge's classes (the shared `status-*` colours, plus this area's for the rest). */
export function badgeClass(status: string): string {
  return `badge status-${status} wf-status-${status}`;
}

const blank = (): LiveNode => ({ status: 'PENDING', attempt: 0, tokens: '', tokenAttempt: 0, output: null, error: null, history: [] });

export function applyEvent(live: LiveRun, e: RunEvent): LiveRun {
  if (e.seq <= live.lastSeq) return live;
  const next: LiveRun = { ...live, lastSeq: e.seq };
  if (e.type === 'RUN_STATUS') {
    return { ...next, status: e.status ?? next.status, error: e.error ?? (e.status && TERMINAL.has(e.status) ? next.error : null) };
  }
  if (e.type === 'RUN_OUTPUT') return { ...next, output: e.text ?? null };
  if (!e.node) return next;
  const node = { ...(live.nodes[e.node] ?? blank()) };
  const attempt = e.attempt ?? node.attempt;
  if (e.type === 'NODE_STATUS' && e.status) {
    node.status = e.status;
    node.attempt = Math.max(node.attempt, attempt);
    node.error = e.error ?? null;
    if (node.history[node.history.length - 1] !== e.status) node.history = [...node.history, e.status];
    if (e.status === 'EXECUTING' && attempt > node.tokenAttempt) {
      node.tokens = '';
      node.tokenAttempt = attempt;
      node.output = null;
    }
  } else if (e.type === 'NODE_TOKEN') {
    if (attempt < node.tokenAttempt) return next;
    if (attempt > node.tokenAttempt) {
      node.tokens = '';
      node.tokenAttempt = attempt;
    }
    node.tokens += e.text ?? '';
  } else if (e.type === 'NODE_OUTPUT') {
    node.output = e.text ?? null;
  }
  return { ...next, nodes: { ...live.nodes, [e.node]: node } };
}

type Action = { type: 'event'; event: RunEvent } | { type: 'reset' };

function reducer(state: LiveRun, action: Action): LiveRun {
  return action.type === 'reset' ? emptyLive() : applyEvent(state, action.event);
}

/** Whether a subscription error is worth one automatic resubscription (a brief outage). */
export function retriesOnItsOwn(problem: Problem): boolean {
  return problem.code === 'UNAVAILABLE' || problem.code === 'NETWORK';
}

export interface RunEventsState {
  live: LiveRun;
  streaming: boolean;
  /** Why following stopped (FORBIDDEN, UNAVAILABLE, an ended session…), until reconnected. */
  problem: Problem | null;
  /** Subscribes again after the last event seen. */
  reconnect: () => void;
}

/**
 * Follows a run's events from the start; `generation` changing (after a retry) subscribes
 * again after the last event seen. `onEvent` is told of each event (to refetch totals).
 * An error ends the subscription: it is kept (`problem`), and UNAVAILABLE is retried once
 * on its own; `reconnect()` resubscribes after `lastSeq`.
 */
export function useRunEvents(runId: string, generation: number, onEvent: (e: RunEvent) => void): RunEventsState {
  const client = useClient();
  const [live, dispatch] = useReducer(reducer, undefined, emptyLive);
  const [streaming, setStreaming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const lastSeq = useRef(0);
  const autoRetried = useRef(false);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    lastSeq.current = 0;
    autoRetried.current = false;
    dispatch({ type: 'reset' });
  }, [runId]);

  useEffect(() => {
    setStreaming(true);
    setProblem(null);
    let ended = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const { unsubscribe } = client
      .subscription(WorkflowsRunEventsSubscription, { runId, after: lastSeq.current })
      .subscribe((result) => {
        if (ended) return;
        if (result.error) {
          ended = true;
          const p = problemOf(result.error);
          setStreaming(false);
          if (retriesOnItsOwn(p) && !autoRetried.current) {
            autoRetried.current = true;
            retry = setTimeout(() => setAttempt((a) => a + 1), 1000);
          } else {
            setProblem(p);
          }
          return;
        }
        const event = result.data?.workflowRunEvents;
        if (!event) return;
        // Events flow again: a later outage may be retried on its own once more.
        autoRetried.current = false;
        if (event.seq > lastSeq.current) lastSeq.current = event.seq;
        dispatch({ type: 'event', event });
        handler.current(event);
        if (event.type === 'RUN_STATUS' && event.status && TERMINAL.has(event.status)) setStreaming(false);
      });
    return () => {
      ended = true;
      clearTimeout(retry);
      unsubscribe();
      setStreaming(false);
    };
  }, [client, runId, generation, attempt]);

  const reconnect = useCallback(() => setAttempt((a) => a + 1), []);
  return { live, streaming, problem, reconnect };
}
