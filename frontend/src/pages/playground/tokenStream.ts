// An execution's output as its events describe it, whatever order they arrive in and however
// often: events are kept by `seq` (a duplicate replaces itself), and the output is derived by
// reading them in `seq` order — STARTED resets it (a retried attempt starts over), TOKEN
// places its text at `index` within its attempt, a terminal event ends the stream.

export type StreamEventType = 'STARTED' | 'TOKEN' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface StreamEvent {
  seq: number;
  type: StreamEventType;
  token?: string | null;
  index?: number | null;
  attempt?: number | null;
  error?: string | null;
}

export interface StreamState {
  /** Events by seq. */
  events: ReadonlyMap<number, StreamEvent>;
}

export const emptyStream: StreamState = { events: new Map() };

/** Adds one event (idempotent: the same seq twice is kept once). */
export function addEvent(state: StreamState, event: StreamEvent): StreamState {
  const known = state.events.get(event.seq);
  if (known && known.type === event.type && known.token === event.token && known.index === event.index) return state;
  const events = new Map(state.events);
  events.set(event.seq, event);
  return { events };
}

export type StreamPhase = 'waiting' | 'streaming' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface StreamView {
  /** The tokens of the current attempt, in order. */
  tokens: string[];
  output: string;
  phase: StreamPhase;
  attempt: number | null;
  error: string | null;
  /** The highest seq seen (resubscribe with `after` this). */
  lastSeq: number;
  /** Whether a token index is missing before the last one received (more may still come). */
  gap: boolean;
}

export function viewOf(state: StreamState): StreamView {
  const ordered = [...state.events.values()].sort((a, b) => a.seq - b.seq);
  let byIndex = new Map<number, string>();
  let attempt: number | null = null;
  let phase: StreamPhase = 'waiting';
  let error: string | null = null;
  let appended = 0;
  for (const event of ordered) {
    switch (event.type) {
      case 'STARTED':
        if (event.attempt != null && attempt != null && event.attempt < attempt) break;
        attempt = event.attempt ?? (attempt ?? 0) + 1;
        byIndex = new Map();
        appended = 0;
        if (phase === 'waiting') phase = 'streaming';
        break;
      case 'TOKEN': {
        if (event.attempt != null && attempt != null && event.attempt !== attempt) {
          if (event.attempt < attempt) break; // a superseded attempt
          attempt = event.attempt;
          byIndex = new Map();
          appended = 0;
        }
        if (attempt == null && event.attempt != null) attempt = event.attempt;
        const index = event.index ?? byIndex.size + appended;
        byIndex.set(index, event.token ?? '');
        if (phase === 'waiting') phase = 'streaming';
        break;
      }
      case 'COMPLETED':
      case 'FAILED':
      case 'CANCELLED':
        phase = event.type;
        if (event.type === 'FAILED') error = event.error ?? null;
        break;
    }
  }
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const tokens = indexes.map((i) => byIndex.get(i) ?? '');
  const last = indexes[indexes.length - 1];
  const gap = last !== undefined && last + 1 !== indexes.length;
  const lastSeq = ordered.length > 0 ? ordered[ordered.length - 1]!.seq : 0;
  return { tokens, output: tokens.join(''), phase, attempt, error, lastSeq, gap };
}

export function isTerminal(phase: StreamPhase): boolean {
  return phase === 'COMPLETED' || phase === 'FAILED' || phase === 'CANCELLED';
}
