import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { Empty, PageHeader, permissionTitle, QueryState } from '../../components/states';
import { useOrg } from '../../lib/org';
import { Labels } from './Labels';
import { usePager } from '../../components/usePager';
import { PromptsDetailQuery } from './operations';

const PAGE = 20;

export function PromptPage() {
  const { id = '' } = useParams();
  const { can } = useOrg();
  const canWrite = can('prompt:write');
  const navigate = useNavigate();
  const pager = usePager();
  const [result, reexecute] = useQuery({
    query: PromptsDetailQuery,
    variables: { id, first: PAGE, after: pager.after },
  });
  const prompt = result.data?.prompt;

  return (
    <QueryState fetching={result.fetching} error={result.error} hasData={!!prompt}>
      {prompt ? (
        <>
          <PageHeader
            title={prompt.name}
            actions={
              <>
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={!canWrite}
                  title={permissionTitle(canWrite, 'edit prompts')}
                  onClick={() => navigate(`/prompts/${prompt.id}/versions/new`)}
                >
                  New version
                </button>
                <Link className="btn" to={`/playground?prompt=${prompt.id}`}>
                  Open in playground
                </Link>
                <Link className="btn" to={`/prompts/${prompt.id}/diff`}>
                  Compare versions
                </Link>
                <Link className="btn btn-ghost" to={`/executions?prompt=${prompt.id}`}>
                  Executions
                </Link>
              </>
            }
          >
            <p className="muted">
              <Link to="/prompts">Prompts</Link> / <span className="mono">{prompt.slug}</span>
            </p>
            {prompt.description ? <p>{prompt.description}</p> : null}
            {prompt.tags.length > 0 ? (
              <ul className="chips" aria-label="Tags">
                {prompt.tags.map((t) => (
                  <li key={t} className="badge">
                    <Link to={`/prompts?tag=${encodeURIComponent(t)}`}>{t}</Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </PageHeader>
          <div className="prompt-layout">
            <section aria-labelledby="versions-heading">
              <h2 id="versions-heading">Versions ({prompt.versions.totalCount})</h2>
              {prompt.versions.nodes.length === 0 ? (
                <Empty title="No versions on this page." />
              ) : (
                <ol className="timeline">
                  {prompt.versions.nodes.map((v, i, all) => {
                    const previous = all[i + 1];
                    const labels = prompt.labels.filter((l) => l.version === v.version);
                    return (
                      <li key={v.id} className="timeline-item">
                        <div className="timeline-head">
                          <strong className="version-number">v{v.version}</strong>
                          {labels.map((l) => (
                            <span key={l.name} className={`badge ${l.name === 'production' ? 'ok' : l.name === 'latest' ? '' : 'info'}`}>
                              {l.name}
                            </span>
                          ))}
                        </div>
                        <p className="commit-message">{v.commitMessage || <span className="muted">(no commit message)</span>}</p>
                        <p className="muted small">
                          {v.author ? v.author.name : v.authorApiKeyId ? 'an API key' : 'unknown author'} ·{' '}
                          <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time> ·{' '}
                          <span className="mono">
                            {v.model.provider.toLowerCase()}/{v.model.model}
                          </span>
                          {v.variables.length > 0 ? (
                            <>
                              {' '}
                              · variables: <span className="mono">{v.variables.join(', ')}</span>
                            </>
                          ) : null}
                        </p>
                        <div className="row">
                          {previous ? (
                            <Link className="btn btn-small" to={`/prompts/${prompt.id}/diff?a=${previous.id}&b=${v.id}`}>
                              Diff with v{previous.version}
                            </Link>
                          ) : null}
                          <Link className="btn btn-small btn-ghost" to={`/playground?prompt=${prompt.id}&version=${v.version}`}>
                            Run v{v.version}
                          </Link>
                        </div>
                      </li>
                    );
                  })}
                </ol>
              )}
              {prompt.versions.pageInfo.hasNextPage || pager.hasPrevious ? (
                <nav className="pager" aria-label="Pages of versions">
                  <button type="button" className="btn btn-small" disabled={!pager.hasPrevious} onClick={pager.previous}>
                    Newer
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={!prompt.versions.pageInfo.hasNextPage}
                    onClick={() => pager.next(prompt.versions.pageInfo.endCursor)}
                  >
                    Older
                  </button>
                </nav>
              ) : null}
            </section>
            <Labels
              key={prompt.id}
              promptId={prompt.id}
              labels={prompt.labels}
              versions={prompt.versions.nodes.map((v) => v.version)}
              onChanged={() => reexecute({ requestPolicy: 'network-only' })}
            />
          </div>
        </>
      ) : null}
    </QueryState>
  );
}
