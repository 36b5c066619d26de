import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Empty, ErrorView, Loading, PageHeader, QueryState } from '../../components/states';
import { PromptsDetailQuery, PromptsDiffQuery } from './operations';
import { SideBySide } from './SideBySide';
import { alignHunks } from './sideBySide';

const STATUS_TEXT = { ADDED: 'message added', REMOVED: 'message removed', CHANGED: 'changed', UNCHANGED: 'unchanged' } as const;
const STATUS_CLASS = { ADDED: 'ok', REMOVED: 'bad', CHANGED: 'warn', UNCHANGED: '' } as const;

function json(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value);
}

export function DiffPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [list] = useQuery({ query: PromptsDetailQuery, variables: { id, first: 100, after: null } });
  const prompt = list.data?.prompt;
  const versions = prompt?.versions.nodes ?? [];
  const a = params.get('a') ?? versions[1]?.id ?? versions[0]?.id ?? '';
  const b = params.get('b') ?? versions[0]?.id ?? '';
  const pick = (which: 'a' | 'b', value: string) => {
    const next = new URLSearchParams(params);
    next.set('a', a);
    next.set('b', b);
    next.set(which, value);
    setParams(next, { replace: true });
  };

  return (
    <QueryState fetching={list.fetching} error={list.error} hasData={!!prompt}>
      {prompt ? (
        <>
          <PageHeader title={`Compare versions of ${prompt.name}`}>
            <p className="muted">
              <Link to="/prompts">Prompts</Link> / <Link to={`/prompts/${prompt.id}`}>{prompt.name}</Link> / diff
            </p>
          </PageHeader>
          <form className="row card diff-picker" onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
            {(['a', 'b'] as const).map((which) => (
              <label key={which} className="field">
                <span>{which === 'a' ? 'Version A (before)' : 'Version B (after)'}</span>
                <select value={which === 'a' ? a : b} onChange={(e) => pick(which, e.target.value)}>
                  {versions.map((v) => (
                    <option key={v.id} value={v.id}>
                      v{v.version} — {v.commitMessage || 'no message'}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <button type="button" className="btn" onClick={() => setParams({ a: b, b: a }, { replace: true })}>
              Swap
            </button>
          </form>
          {a && b ? <DiffResult a={a} b={b} /> : <Empty title="Pick two versions to compare." />}
        </>
      ) : null}
    </QueryState>
  );
}

function DiffResult({ a, b }: { a: string; b: string }) {
  const [result] = useQuery({ query: PromptsDiffQuery, variables: { a, b } });
  const diff = result.data?.diffPromptVersions;
  if (result.fetching && !diff) return <Loading what="Comparing" />;
  if (!diff) return <ErrorView error={result.error} />;
  const left = `v${diff.a.version}`;
  const right = `v${diff.b.version}`;
  const changed = diff.messages.filter((m) => m.status !== 'UNCHANGED').length;
  return (
    <div className="diff">
      <p aria-live="polite">
        {left} → {right}: {changed === 0 ? 'no message changed' : `${changed} of ${diff.messages.length} messages changed`},{' '}
        {diff.modelChanges.length === 0 ? 'model settings unchanged' : `${diff.modelChanges.length} model settings changed`}.
      </p>
      <p className="muted small diff-legend">
        <span className="diff-removed legend">− removed</span> <span className="diff-added legend">+ added</span>
      </p>
      <h2>Messages</h2>
      {diff.messages.map((m) => {
        const rows = alignHunks(m.hunks);
        const roles = m.roleA && m.roleB && m.roleA !== m.roleB ? `${m.roleA.toLowerCase()} → ${m.roleB.toLowerCase()}` : (m.roleB ?? m.roleA ?? '').toLowerCase();
        const table = <SideBySide rows={rows} leftTitle={left} rightTitle={right} caption={`Message ${m.index}: ${left} beside ${right}`} />;
        return (
          <section key={m.index} className="diff-message" aria-label={`Message ${m.index}`}>
            <h3>
              Message {m.index} <span className="muted">({roles})</span>{' '}
              <span className={`badge ${STATUS_CLASS[m.status]}`}>{STATUS_TEXT[m.status]}</span>
            </h3>
            {m.status === 'UNCHANGED' ? (
              <details>
                <summary>Show the unchanged message</summary>
                {table}
              </details>
            ) : (
              table
            )}
          </section>
        );
      })}
      <h2>Model settings</h2>
      {diff.modelChanges.length === 0 ? (
        <p className="muted">No model setting changed.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">{left} (before)</th>
                <th scope="col">{right} (after)</th>
              </tr>
            </thead>
            <tbody>
              {diff.modelChanges.map((c) => (
                <tr key={c.field}>
                  <th scope="row" className="mono">
                    {c.field}
                  </th>
                  <td className="diff-cell diff-removed mono">
                    <span aria-hidden="true">− </span>
                    <span className="visually-hidden">Before: </span>
                    {json(c.before)}
                  </td>
                  <td className="diff-cell diff-added mono">
                    <span aria-hidden="true">+ </span>
                    <span className="visually-hidden">After: </span>
                    {json(c.after)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
