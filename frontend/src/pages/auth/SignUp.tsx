import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorView } from '../../components/states';
import { graphql } from '../../gql';
import { signIn } from '../../lib/session';

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...AuthFields
    }
  }
`);

export default function SignUp() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organization, setOrganization] = useState('');
  const [result, signUp] = useMutation(SignUpMutation);

  return (
    <main className="auth-page" id="main">
      <section className="card narrow">
        <h1>Create your PromptOps account</h1>
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            const done = await signUp({
              input: { name, email, password, organizationName: organization || `${name}'s team` },
            });
            if (done.data) {
              const orgId = done.data.signUp.organization?.id;
              if (orgId) localStorage.setItem('promptops.org', orgId);
              signIn(done.data.signUp);
              navigate('/prompts', { replace: true });
            }
          }}
        >
          <label className="field">
            <span>Name</span>
            <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label className="field">
            <span>Email</span>
            <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              type="password"
              autoComplete="new-password"
              minLength={8}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span>Organization name (optional)</span>
            <input value={organization} onChange={(e) => setOrganization(e.target.value)} />
          </label>
          <ErrorView error={result.error} />
          <button className="btn btn-primary" type="submit" disabled={result.fetching}>
            Sign up
          </button>
        </form>
        <p className="muted">
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </section>
    </main>
  );
}
