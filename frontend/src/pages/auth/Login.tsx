import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { ErrorView } from '../../components/states';
import { graphql } from '../../gql';
import { signIn } from '../../lib/session';

const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      ...AuthFields
    }
  }
`);

/** Where to go after logging in: a path of this app, never another origin. */
export function safeNext(next: string | null, origin = window.location.origin): string {
  if (!next || !next.startsWith('/')) return '/prompts';
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return '/prompts';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/prompts';
  }
}

export default function Login() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [result, login] = useMutation(LoginMutation);

  return (
    <main className="auth-page" id="main">
      <section className="card narrow">
        <h1>Log in to PromptOps</h1>
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            const done = await login({ input: { email, password } });
            if (done.data) {
              signIn(done.data.login);
              navigate(safeNext(params.get('next')), { replace: true });
            }
          }}
        >
          <label className="field">
            <span>Email</span>
            <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <ErrorView error={result.error} />
          <button className="btn btn-primary" type="submit" disabled={result.fetching}>
            Log in
          </button>
        </form>
        <p className="muted">
          New here? <Link to="/signup">Create an account</Link>
        </p>
      </section>
    </main>
  );
}
