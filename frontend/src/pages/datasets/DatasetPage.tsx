import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg } from '../../lib/org';
import { DatasetVersions } from './DatasetVersions';
import { ItemEditor, type EditableItem } from './ItemEditor';
import { entries, short } from './json';
import { Pager } from '../../components/Pager';
import { DatasetDetailQuery, DatasetsDeleteItemsMutation } from './queries';
import { usePager } from '../../components/usePager';

const PAGE = 25;

/** `/datasets/:id`: the items (at the latest or a chosen version), the versions, and item edits. */
export default function DatasetPage() {
  const { id = '' } = useParams();
  const { can } = useOrg();
  const canWrite = can('dataset:write');
  const [version, setVersion] = useState<number | null>(null);
  const pager = usePager();
  const [editing, setEditing] = useState<EditableItem | 'new' | null>(null);
  const [result, reexecute] = useQuery({
    query: DatasetDetailQuery,
    variables: { id, first: PAGE, after: pager.after, version },
  });
  const [deleted, deleteItems] = useMutation(DatasetsDeleteItemsMutation);
  const dataset = result.data?.dataset;
  const items = dataset?.items;
  const atLatest = version === null;

  const view = (v: number | null) => {
    setVersion(v);
    pager.reset();
    setEditing(null);
  };
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const remove = async (itemId: string, index: number) => {
    if (!window.confirm(`Delete item ${index}? This makes a new version; older versions keep it.`)) return;
    const res = await deleteItems({ datasetId: id, input: { itemIds: [itemId] } });
    if (!res.error) refresh();
  };

  const editTitle = permissionTitle(canWrite, 'change datasets');
  return (
    <QueryState fetching={result.fetching} error={result.error} hasData={!!dataset}>
      {dataset ? (
        <>
          <p className="muted ds-crumbs">
            <Link to="/datasets">Datasets</Link> / {dataset.slug}
          </p>
          <PageHeader
            title={dataset.name}
            actions={
              <>
                {canWrite ? (
                  <Link className="btn" to={`/datasets/${id}/import`}>
                    Import file
                  </Link>
                ) : (
                  <button type="button" className="btn" disabled title={editTitle}>
                    Import file
                  </button>
                )}
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={!canWrite || !atLatest}
                  title={editTitle ?? (!atLatest ? 'View the latest version to add items' : undefined)}
                  onClick={() => setEditing('new')}
                >
                  Add item
                </button>
                <Link className="btn" to={`/evaluations/new?dataset=${id}`}>
                  Evaluate
                </Link>
              </>
            }
          >
            {dataset.description ? <p className="muted">{dataset.description}</p> : null}
            <p className="muted">
              {dataset.itemCount} items · version {dataset.latestVersion}
            </p>
          </PageHeader>
          {editing ? (
            <ItemEditor
              key={editing === 'new' ? 'new' : editing.id}
              datasetId={id}
              {...(editing === 'new' ? {} : { item: editing })}
              onDone={() => {
                setEditing(null);
                refresh();
              }}
            />
          ) : null}
          {deleted.error ? <ErrorView error={deleted.error} /> : null}
          <div className="ds-layout">
            <section aria-labelledby="ds-items-title">
              <div className="row">
                <h2 id="ds-items-title">
                  Items {atLatest ? '(latest)' : `at version ${version}`}
                </h2>
                {!atLatest ? (
                  <button type="button" className="btn btn-small" onClick={() => view(null)}>
                    Back to latest
                  </button>
                ) : null}
              </div>
              {items && items.nodes.length === 0 ? (
                <Empty title="No items at this version.">
                  {canWrite && atLatest ? <p className="muted">Add one, or import a CSV or JSONL file.</p> : null}
                </Empty>
              ) : null}
              {items && items.nodes.length > 0 ? (
                <>
                  <div className="table-wrap">
                    <table className="table ds-items">
                      <caption className="visually-hidden">Dataset items</caption>
                      <thead>
                        <tr>
                          <th scope="col">#</th>
                          <th scope="col">Inputs</th>
                          <th scope="col">Expected</th>
                          <th scope="col">Metadata</th>
                          {atLatest ? <th scope="col">Actions</th> : null}
                        </tr>
                      </thead>
                      <tbody>
                        {items.nodes.map((item, i) => {
                          const index = (pager.page - 1) * PAGE + i + 1;
                          return (
                            <tr key={item.rowId}>
                              <td>{index}</td>
                              <td>
                                <KeyValues value={item.inputs} />
                              </td>
                              <td className="mono">{item.expected === null ? <span className="muted">none</span> : short(item.expected, 300)}</td>
                              <td>
                                <KeyValues value={item.metadata} />
                              </td>
                              {atLatest ? (
                                <td>
                                  <div className="row">
                                    <button
                                      type="button"
                                      className="btn btn-small"
                                      disabled={!canWrite}
                                      title={editTitle}
                                      aria-label={`Edit item ${index}`}
                                      onClick={() => setEditing(item)}
                                    >
                                      Edit
                                    </button>
                                    <button
                                      type="button"
                                      className="btn btn-small btn-danger"
                                      disabled={!canWrite || deleted.fetching}
                                      title={editTitle}
                                      aria-label={`Delete item ${index}`}
                                      onClick={() => void remove(item.id, index)}
                                    >
                                      Delete
                                    </button>
                                  </div>
                                </td>
                              ) : null}
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  <Pager
                    page={pager.page}
                    hasPrevious={pager.hasPrevious}
                    hasNext={items.pageInfo.hasNextPage}
                    onPrevious={pager.previous}
                    onNext={() => pager.next(items.pageInfo.endCursor)}
                    total={items.totalCount}
                    noun="items"
                  />
                </>
              ) : null}
            </section>
            <DatasetVersions datasetId={id} latest={dataset.latestVersion} viewing={version} onView={view} />
          </div>
        </>
      ) : null}
    </QueryState>
  );
}

function KeyValues({ value }: { value: unknown }) {
  const list = entries(value);
  if (list.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="ds-kv">
      {list.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
