import { Suspense, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { useOrg } from '../lib/org';
import { settled, signOut } from '../lib/session';
import { applyTheme, initialTheme, type Theme } from '../lib/theme';
import { ErrorView, Loading } from './states';
import { Invitations } from './Invitations';

const LogoutMutation = graphql(`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`);

const NAV: [string, string][] = [
  ['/prompts', 'Prompts'],
  ['/playground', 'Playground'],
  ['/executions', 'Executions'],
  ['/workflows', 'Workflows'],
  ['/datasets', 'Datasets'],
  ['/evaluations', 'Evaluations'],
  ['/settings', 'Settings'],
];

export function Layout() {
  const { org, orgs, me, switchTo, error, fetching } = useOrg();
  const [, logout] = useMutation(LogoutMutation);
  const navigate = useNavigate();
  const location = useLocation();
  const [theme, setTheme] = useState<Theme>(() => initialTheme());
  const [menuOpen, setMenuOpen] = useState(false);

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next);
    setTheme(next);
  };
  const onLogout = async () => {
    // A refresh in flight would rotate the token being revoked: wait for it, send the newest.
    const session = await settled();
    if (session) await logout({ refreshToken: session.refreshToken });
    signOut();
    navigate('/login');
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="sidenav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <span className="brand">PromptOps</span>
        <label className="org-switcher">
          <span className="visually-hidden">Organization</span>
          <select
            value={org?.id ?? ''}
            onChange={(event) => {
              if (event.target.value === NEW_ORGANIZATION) {
                navigate('/organizations/new');
                return;
              }
              switchTo(event.target.value);
              // A page about one object (a prompt, a run…) belongs to the organization it
              // came from: go to the area's list in the new one.
              navigate(`/${location.pathname.split('/')[1] || 'prompts'}`);
            }}
            disabled={orgs.length === 0}
          >
            {org ? null : <option value="">{fetching ? 'Loading…' : 'No organization'}</option>}
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
            {orgs.length > 0 ? <option value={NEW_ORGANIZATION}>+ New organization…</option> : null}
          </select>
        </label>
        {org?.viewerRole ? <span className="badge" title="Your role here">{org.viewerRole}</span> : null}
        <span className="spacer" />
        <button type="button" className="btn btn-ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
        <span className="user muted">{me?.email}</span>
        <button type="button" className="btn btn-ghost" onClick={onLogout}>
          Log out
        </button>
      </header>
      <nav id="sidenav" className={menuOpen ? 'sidenav open' : 'sidenav'} aria-label="Main">
        <ul>
          {NAV.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to} onClick={() => setMenuOpen(false)}>
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Invitations />
        {error && !me ? (
          <ErrorView error={error} />
        ) : !org ? (
          fetching ? <Loading /> : <NoOrganization />
        ) : (
          <Suspense fallback={<Loading />}>
            <Outlet key={org.id} />
          </Suspense>
        )}
      </main>
    </div>
  );
}

const CreateOrganization = graphql(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      id
    }
  }
`);

const NEW_ORGANIZATION = '__new__';

/** `/organizations/new`: any member can start another organization (they own it). */
export function NewOrganizationPage() {
  return <CreateOrganizationForm title="New organization" intro="You will be its owner; switch between organizations at the top." />;
}

function NoOrganization() {
  return <CreateOrganizationForm title="Create an organization" intro="You are not a member of any organization yet." />;
}

function CreateOrganizationForm({ title, intro }: { title: string; intro: string }) {
  const { reload, switchTo } = useOrg();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [result, create] = useMutation(CreateOrganization);
  return (
    <section className="card narrow">
      <h1>{title}</h1>
      <p className="muted">{intro}</p>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const done = await create({ input: { name } });
          if (done.data) {
            switchTo(done.data.createOrganization.id);
            reload();
            navigate('/prompts');
          }
        }}
      >
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <ErrorView error={result.error} />
        <button className="btn btn-primary" type="submit" disabled={result.fetching}>
          Create
        </button>
      </form>
    </section>
  );
}
