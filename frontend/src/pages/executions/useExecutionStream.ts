import { useMemo } from 'react';
import { useSubscription, type CombinedError } from 'urql';
import type { ExecutionsEventsSubscription as EventsData } from '../../gql/graphql';
import { addEvent, emptyStream, viewOf, type StreamState, type StreamView } from '../playground/tokenStream';
import { ExecutionsEventsSubscription } from './operations';

interface Accumulated {
  id: string;
  stream: StreamState;
}

/**
 * Follows `executionEvents` for one execution from the start (a finished one replays), and
 * derives its output by seq (duplicates and reordering after a reconnect are harmless).
 * Every event goes through the reducer, so none is lost when several arrive in one render.
 */
export function useExecutionStream(executionId: string | null): { view: StreamView; error: CombinedError | undefined } {
  const id = executionId ?? '';
  const [result] = useSubscription<EventsData, Accumulated, { executionId: string; after: number }>(
    { query: ExecutionsEventsSubscription, variables: { executionId: id, after: 0 }, pause: !executionId },
    (previous, data) => {
      const base = previous && previous.id === id ? previous.stream : emptyStream;
      const e = data.executionEvents;
      return {
        id,
        stream: addEvent(base, { seq: e.seq, type: e.type, token: e.token, index: e.index, attempt: e.attempt, error: e.error }),
      };
    },
  );
  const stream = result.data && result.data.id === id ? result.data.stream : emptyStream;
  const view = useMemo(() => viewOf(stream), [stream]);
  return { view, error: result.error };
}
