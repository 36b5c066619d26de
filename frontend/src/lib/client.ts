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
              const dispose = ws.subscribe(input, sink);
              return { unsubscribe: dispose };
            },
          };
        },
      }),
    ],
  });
}
