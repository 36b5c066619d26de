import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { when } from './json';
import { Pager } from '../../components/Pager';
import { DatasetVersionsQuery } from './queries';
import { usePager } from '../../components/usePager';

/** A dataset's versions, newest first; "View" shows the items as of one. */
export function DatasetVersions({
  datasetId,
  latest,
  viewing,
  onView,
}: {
  datasetId: string;
  latest: number;
  viewing: number | null;
  onView: (version: number | null) => void;
}) {
  const pager = usePager();
  const [result] = useQuery({
    query: DatasetVersionsQuery,
    variables: { id: datasetId, first: 10, after: pager.after },
  });
  const versions = result.data?.dataset?.versions;
  return (
    <section className="card" aria-labelledby="ds-versions-title">
      <h2 id="ds-versions-title">Versions</h2>
      <QueryState fetching={result.fetching} error={result.error} hasData={!!versions}>
        {versions && versions.nodes.length === 0 ? <Empty title="No versions yet: the dataset is empty." /> : null}
        {versions && versions.nodes.length > 0 ? (
          <>
            <ol className="ds-versions">
              {versions.nodes.map((v) => {
                const current = (viewing ?? latest) === v.version;
                return (
                  <li key={v.id} className={current ? 'current' : undefined}>
                    <div className="row">
                      <strong>v{v.version}</strong>
                      <span className="badge">{v.change}</span>
                      <span className="muted">{v.itemCount} items</span>
                      <span className="spacer" />
                      {current ? (
                        <span className="badge info">Viewing</span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => onView(v.version === latest ? null : v.version)}
                          aria-label={`View items at version ${v.version}`}
                        >
                          View
                        </button>
                      )}
                    </div>
                    <div className="muted ds-version-meta">
                      {[
                        v.added ? `+${v.added}` : '',
                        v.updated ? `~${v.updated}` : '',
                        v.removed ? `−${v.removed}` : '',
                      ]
                        .filter(Boolean)
                        .join(' ')}{' '}
                      {v.message ? `“${v.message}” ` : ''}
                      {v.author ? `by ${v.author.name} ` : ''}
                      {when(v.createdAt)}
                    </div>
                  </li>
                );
              })}
            </ol>
            <Pager
              page={pager.page}
              hasPrevious={pager.hasPrevious}
              hasNext={versions.pageInfo.hasNextPage}
              onPrevious={pager.previous}
              onNext={() => pager.next(versions.pageInfo.endCursor)}
              total={versions.totalCount}
              noun="versions"
            />
          </>
        ) : null}
      </QueryState>
    </section>
  );
}
