import { print } from 'graphql';
import { graphql } from '../gql';
import type { AuthFieldsFragment } from '../gql/graphql';

/**
 * The signed-in session: a short-lived access token and a single-use refresh token, kept in
 * localStorage so a reload or a second tab keeps the session. Refreshing rotates both; one
 * refresh runs at a time and every caller waits for it.
 */
export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  userId: string;
  email: string;
  name: string;
}

const KEY = 'promptops.session';
/** Refresh this long before the access token expires. */
const EARLY_MS = 30_000;

export const AuthFields = graphql(`
  fragment AuthFields on AuthPayload {
    accessToken
    accessTokenExpiresAt
    refreshToken
    user {
      id
      email
      name
    }
    organization {
      id
    }
  }
`);

const RefreshMutation = graphql(`
  mutation RefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      ...AuthFields
    }
  }
`);

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();
let current: Session | null = read();
let refreshing: Promise<Session | null> | null = null;

function read(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function write(session: Session | null): void {
  current = session;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(session);
}

if (typeof window !== 'undefined') {
  // Another tab signed in, out, or rotated the tokens.
  window.addEventListener('storage', (event) => {
    if (event.key !== KEY) return;
    current = read();
    for (const listener of listeners) listener(current);
  });
}

export function getSession(): Session | null {
  return current;
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function fromPayload(payload: AuthFieldsFragment): Session {
  return {
    accessToken: payload.accessToken,
    accessTokenExpiresAt: payload.accessTokenExpiresAt,
    refreshToken: payload.refreshToken,
    userId: payload.user.id,
    email: payload.user.email,
    name: payload.user.name,
  };
}

export function signIn(payload: AuthFieldsFragment): Session {
  const session = fromPayload(payload);
  write(session);
  return session;
}

export function signOut(): void {
  write(null);
}

export function expiresSoon(session: Session, now = Date.now()): boolean {
  return Date.parse(session.accessTokenExpiresAt) - EARLY_MS <= now;
}

/** Exchanges the refresh token for a new pair (once, however many callers ask). */
export function refresh(): Promise<Session | null> {
  if (!refreshing) {
    refreshing = underLock(doRefresh).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** Waits for a refresh in flight, if any (log-out sends the newest refresh token). */
export async function settled(): Promise<Session | null> {
  if (refreshing) await refreshing;
  return current;
}

/**
 * One refresh at a time across the tabs of this origin (Web Locks): a refresh token is
 * single-use and the server revokes the whole session when one is replayed, so two tabs must
 * never send the same one. Without Web Locks, one at a time per tab.
 */
async function underLock(task: () => Promise<Session | null>): Promise<Session | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return task();
  let outcome: Session | null = null;
  await locks.request('promptops.refresh', async () => {
    outcome = await task();
  });
  return outcome;
}

function errorCode(body: { errors?: { extensions?: { code?: unknown } }[] }): string | null {
  const code = body.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : null;
}

async function doRefresh(): Promise<Session | null> {
  // Another tab may have rotated (or signed out) while this one waited for the lock.
  const stored = read();
  if (!stored) {
    if (current) write(null);
    return null;
  }
  if (current?.refreshToken !== stored.refreshToken) {
    current = stored;
    if (!expiresSoon(stored)) return stored;
  }
  const session = stored;
  let body: { data?: { refreshToken: AuthFieldsFragment } | null; errors?: { extensions?: { code?: unknown } }[] };
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({
        query: print(RefreshMutation),
        operationName: 'RefreshToken',
        variables: { refreshToken: session.refreshToken },
      }),
    });
    body = (await response.json()) as typeof body;
  } catch {
    // Network trouble: keep the session, the next request tries again.
    return current;
  }
  // Signed out (or signed in as someone else) meanwhile: this answer is no longer wanted.
  if (current?.refreshToken !== session.refreshToken) return current;
  if (body.data?.refreshToken) return signIn(body.data.refreshToken);
  if (errorCode(body) !== 'UNAUTHENTICATED') {
    // UNAVAILABLE, RATE_LIMITED, INTERNAL…: the refresh token is still good; try again later.
    return current;
  }
  // Refused. Another tab without Web Locks may have rotated first: take theirs.
  const latest = read();
  if (latest && latest.refreshToken !== session.refreshToken) {
    current = latest;
    return latest;
  }
  write(null);
  return null;
}

/** A valid access token, refreshing first when it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  if (!expiresSoon(session)) return session.accessToken;
  const renewed = await refresh();
  return renewed?.accessToken ?? null;
}
