import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { authExchange } from '@urql/exchange-auth';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { expiresSoon, freshAccessToken, getSession, refresh, signOut } from './session';

/**
 * The app's GraphQL client: queries and mutations over HTTP (`POST /graphql`), subscriptions
 * over `graphql-ws` on `/graphql/ws`. The access token rides on every request and in the
 * socket's `connection_init`; it is refreshed (and the refresh token rotated) before it
 * expires, or once when the server answers UNAUTHENTICATED.
 */
export function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql/ws`;
}

export function makeWsClient(): WsClient {
  return createWsClient({
    url: wsUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: 1_000,
    // Reconnect after any close, 4403 (token expired) included: connectionParams then
    // sends the refreshed token.
    shouldRetry: () => getSession() !== null,
    connectionParams: async () => {
      const token = await freshAccessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
}

export function makeClient(ws: WsClient): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const session = getSession();
          if (!session) return operation;
          return utils.appendHeaders(operation, {
            authorization: `Bearer ${session.accessToken}`,
          });
        },
        willAuthError() {
          const session = getSession();
          return session !== null && expiresSoon(session);
        },
        didAuthError(error) {
          return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
        },
        async refreshAuth() {
          const renewed = await refresh();
          if (!renewed) signOut();
        },
      })),
      fetchExchange,
      subscriptionExchange({
        enableAllOperations: false,
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              return { unsubscribe: resubscribing((observer) => ws.subscribe(input, observer), sink) };
            },
          };
        },
      }),
    ],
  });
}

/** Consecutive UNAUTHENTICATED answers a subscription survives by refreshing the session. */
const MAX_REAUTH = 3;

interface Observer<R> {
  next(result: R): void;
  error(error: unknown): void;
  complete(): void;
}

/** Whether a result carries an UNAUTHENTICATED error (the token expired or was revoked). */
export function unauthenticated(result: unknown): boolean {
  if (typeof result !== 'object' || result === null || !('errors' in result)) return false;
  const errors = (result as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return false;
  return errors.some((e: unknown) => {
    if (typeof e !== 'object' || e === null || !('extensions' in e)) return false;
    const extensions = (e as { extensions?: unknown }).extensions;
    return typeof extensions === 'object' && extensions !== null && (extensions as { code?: unknown }).code === 'UNAUTHENTICATED';
  });
}

/**
 * Runs a subscription through `open` (which subscribes an observer and returns its disposer);
 * when the server ends it because the access token expired (one UNAUTHENTICATED error, then
 * `complete`, then the socket closes with 4403), refreshes the session and subscribes again
 * — every time, for as long as the page follows it, not just once. Callbacks of a superseded
 * attempt are ignored. Returns the unsubscribe function.
 */
export function resubscribing<R>(
  open: (observer: Observer<R>) => () => void,
  sink: Observer<R>,
  renew: () => Promise<unknown> = refresh,
): () => void {
  let attempt = 0;
  let closed = false;
  let failures = 0;
  let dispose: () => void = () => {};
  const start = () => {
    attempt += 1;
    const mine = attempt;
    dispose = open({
      next(result) {
        if (mine !== attempt || closed) return;
        if (unauthenticated(result) && getSession() !== null && failures < MAX_REAUTH) {
          failures += 1;
          attempt += 1; // ignore the rest of this attempt (its `complete`)
          dispose();
          void renew().then((session) => {
            if (closed) return;
            if (session) start();
            else sink.next(result);
          });
          return;
        }
        if (!unauthenticated(result)) failures = 0;
        sink.next(result);
      },
      error(error) {
        if (mine === attempt && !closed) sink.error(error);
      },
      complete() {
        if (mine === attempt && !closed) sink.complete();
      },
    });
  };
  start();
  return () => {
    closed = true;
    dispose();
  };
}
