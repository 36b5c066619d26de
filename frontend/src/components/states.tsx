import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { problemOf, type Problem } from '../lib/errors';

/** A loading placeholder that screen readers announce. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

/** The empty state of a list: what is missing and, optionally, how to make the first one. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** An error with its human meaning (from `extensions.code`) and the server's own words. */
export function ErrorView({ error, problem }: { error?: CombinedError | undefined; problem?: Problem }) {
  const p = problem ?? (error ? problemOf(error) : null);
  if (!p) return null;
  return (
    <div className="state error" role="alert" data-code={p.code}>
      <p className="state-title">{p.title}</p>
      {p.detail && p.detail !== p.title ? <p className="muted">{p.detail}</p> : null}
      {p.issues.length > 0 ? (
        <ul>
          {p.issues.map((issue, i) => (
            <li key={i}>
              {issue.line !== undefined ? `Line ${issue.line}: ` : ''}
              {issue.node !== undefined ? `${issue.node}: ` : ''}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Renders loading / error / content for one query result. */
export function QueryState({
  fetching,
  error,
  hasData,
  children,
}: {
  fetching: boolean;
  error?: CombinedError | undefined;
  hasData: boolean;
  children: ReactNode;
}) {
  if (error && !hasData) return <ErrorView error={error} />;
  if (!hasData) return fetching ? <Loading /> : <ErrorView error={error} />;
  return (
    <>
      {error ? <ErrorView error={error} /> : null}
      {children}
    </>
  );
}

export function PageHeader({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {children}
      </div>
      {actions ? <div className="actions">{actions}</div> : null}
    </header>
  );
}

/** A control the caller's role cannot use: disabled, with the reason as its tooltip. */
export function permissionTitle(allowed: boolean, what: string): string | undefined {
  return allowed ? undefined : `Your role cannot ${what}`;
}
