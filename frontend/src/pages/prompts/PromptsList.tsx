import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Empty, PageHeader, permissionTitle, QueryState } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { PromptsListQuery } from './operations';
import { useDebounced } from './useDebounced';
import { Pager } from '../../components/Pager';
import { usePager } from '../../components/usePager';

const PAGE = 20;

export function PromptsList() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canWrite = can('prompt:write');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const search = useDebounced(searchText.trim(), 300);
  const tag = params.get('tag') ?? '';
  const tagQuery = useDebounced(tag, 300);
  const pager = usePager();
  const after = pager.after;
  const [filterKey, setFilterKey] = useState(`${search}|${tagQuery}`);
  if (filterKey !== `${search}|${tagQuery}`) {
    setFilterKey(`${search}|${tagQuery}`);
    pager.reset();
  }

  const [result] = useQuery({
    query: PromptsListQuery,
    variables: { orgId, first: PAGE, after, search: search || null, tag: tagQuery || null },
  });
  const connection = result.data?.prompts;
  const filtered = search !== '' || tagQuery !== '';
  const setTag = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set('tag', value);
    else next.delete('tag');
    setParams(next, { replace: true });
  };

  const newButton = (
    <button
      type="button"
      className="btn btn-primary"
      disabled={!canWrite}
      title={permissionTitle(canWrite, 'create prompts')}
      onClick={() => navigate('/prompts/new')}
    >
      New prompt
    </button>
  );

  // One "New prompt" button at a time: in the empty state when there is nothing, else in the header.
  const emptyOrg = !!connection && connection.nodes.length === 0 && !filtered;
  return (
    <>
      <PageHeader title="Prompts" actions={emptyOrg ? undefined : newButton}>
        <p className="muted">Versioned prompt templates with labels such as production and staging.</p>
      </PageHeader>
      <form className="row filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Search</span>
          <input type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} placeholder="Name, slug or description" />
        </label>
        <label className="field">
          <span>Tag</span>
          <input value={tag} onChange={(e) => setTag(e.target.value.trim())} placeholder="any tag" />
        </label>
      </form>
      <QueryState fetching={result.fetching} error={result.error} hasData={!!connection}>
        {connection && connection.nodes.length === 0 ? (
          filtered ? (
            <Empty title="No prompt matches these filters.">
              <button type="button" className="btn" onClick={() => { setSearchText(''); setTag(''); }}>
                Clear filters
              </button>
            </Empty>
          ) : (
            <Empty title="No prompts yet.">
              <p className="muted">A prompt holds versioned chat messages and model settings.</p>
              {newButton}
            </Empty>
          )
        ) : connection ? (
          <>
            <p className="muted" aria-live="polite">
              {connection.totalCount} {connection.totalCount === 1 ? 'prompt' : 'prompts'}
              {filtered ? ' match' : ''}
            </p>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Tags</th>
                    <th scope="col">Latest</th>
                    <th scope="col">Labels</th>
                    <th scope="col">Model</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {connection.nodes.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link to={`/prompts/${p.id}`}>{p.name}</Link>
                        <div className="muted small mono">{p.slug}</div>
                        {p.description ? <div className="muted small">{p.description}</div> : null}
                      </td>
                      <td>
                        {p.tags.map((t) => (
                          <button key={t} type="button" className="badge tag-button" onClick={() => setTag(t)} aria-label={`Filter by tag ${t}`}>
                            {t}
                          </button>
                        ))}
                      </td>
                      <td>{p.latestVersion ? `v${p.latestVersion.version}` : '—'}</td>
                      <td>
                        {p.labels
                          .filter((l) => l.name !== 'latest')
                          .map((l) => (
                            <span key={l.name} className="badge">
                              {l.name} → v{l.version}
                            </span>
                          ))}
                      </td>
                      <td className="mono small">
                        {p.latestVersion ? `${p.latestVersion.model.provider.toLowerCase()}/${p.latestVersion.model.model}` : '—'}
                      </td>
                      <td>
                        <time dateTime={p.updatedAt}>{new Date(p.updatedAt).toLocaleString()}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
                page={pager.page}
                hasPrevious={pager.hasPrevious}
                hasNext={connection.pageInfo.hasNextPage}
                onPrevious={pager.previous}
                onNext={() => pager.next(connection.pageInfo.endCursor)}
                noun="prompts"
              />
          </>
        ) : null}
      </QueryState>
    </>
  );
}
