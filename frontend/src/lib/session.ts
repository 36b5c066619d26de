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
    refreshing = doRefresh().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function doRefresh(): Promise<Session | null> {
  const session = current;
  if (!session) return null;
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
    const body = (await response.json()) as {
      data?: { refreshToken: AuthFieldsFragment } | null;
    };
    // Another tab may have rotated it first: take theirs if it is newer.
    const stored = read();
    if (!body.data?.refreshToken) {
      if (stored && stored.refreshToken !== session.refreshToken) {
        current = stored;
        return stored;
      }
      write(null);
      return null;
    }
    return signIn(body.data.refreshToken);
  } catch {
    // Network trouble: keep the session, the next request tries again.
    return current;
  }
}

/** A valid access token, refreshing first when it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  if (!expiresSoon(session)) return session.accessToken;
  const renewed = await refresh();
  return renewed?.accessToken ?? null;
}
