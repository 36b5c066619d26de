import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import type { Client as WsClient } from 'graphql-ws';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Provider } from 'urql';
import { Layout, NewOrganizationPage } from './components/Layout';
import { Loading } from './components/states';
import { makeClient, makeWsClient } from './lib/client';
import { OrgProvider } from './lib/org';
import { getSession, subscribe, type Session } from './lib/session';

// Each area is its own chunk, loaded when first visited.
const Login = lazy(() => import('./pages/auth/Login'));
const SignUp = lazy(() => import('./pages/auth/SignUp'));
const Prompts = lazy(() => import('./pages/prompts'));
const Playground = lazy(() => import('./pages/playground'));
const Executions = lazy(() => import('./pages/executions'));
const Workflows = lazy(() => import('./pages/workflows'));
const Datasets = lazy(() => import('./pages/datasets'));
const Evaluations = lazy(() => import('./pages/evaluations'));
const Settings = lazy(() => import('./pages/settings'));

function useSession(): Session | null {
  const [session, setSession] = useState<Session | null>(() => getSession());
  useEffect(() => subscribe(setSession), []);
  return session;
}

function RequireSession({ session, children }: { session: Session | null; children: React.ReactNode }) {
  const location = useLocation();
  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return children;
}

export function App() {
  const session = useSession();
  const userId = session?.userId ?? null;
  // A new client (and socket) per signed-in user: nothing cached crosses accounts.
  const client = useMemo(() => {
    const ws = makeWsClient();
    return { ws, urql: makeClient(ws), userId };
  }, [userId]);
  // The previous user's socket closes when the user changes. (Not in an effect's cleanup:
  // StrictMode runs those once on mount, which would dispose the socket still in use.)
  const previous = useRef<WsClient | null>(null);
  useEffect(() => {
    if (previous.current && previous.current !== client.ws) void previous.current.dispose();
    previous.current = client.ws;
  }, [client]);

  return (
    <Provider value={client.urql}>
      <BrowserRouter>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/login" element={<Login />} />
            <Route path="/signup" element={<SignUp />} />
            <Route
              element={
                <RequireSession session={session}>
                  <OrgProvider>
                    <Layout />
                  </OrgProvider>
                </RequireSession>
              }
            >
              <Route index element={<Navigate to="/prompts" replace />} />
              <Route path="prompts/*" element={<Prompts />} />
              <Route path="playground/*" element={<Playground />} />
              <Route path="executions/*" element={<Executions />} />
              <Route path="workflows/*" element={<Workflows />} />
              <Route path="datasets/*" element={<Datasets />} />
              <Route path="evaluations/*" element={<Evaluations />} />
              <Route path="settings/*" element={<Settings />} />
              <Route path="organizations/new" element={<NewOrganizationPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </Suspense>
      </BrowserRouter>
    </Provider>
  );
}

function NotFoundPage() {
  return (
    <section className="state empty">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
    </section>
  );
}
