import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { when } from './json';
import { Pager } from '../../components/Pager';
import { DatasetsCreateMutation, DatasetsListQuery } from './queries';
import { usePager } from '../../components/usePager';

const PAGE = 20;

/** `/datasets`: the organization's datasets, searchable and paged, and a form for a new one. */
export default function DatasetsList() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canWrite = can('dataset:write');
  const [search, setSearch] = useState('');
  const [term, setTerm] = useState('');
  const pager = usePager();
  const [creating, setCreating] = useState(false);

  // Search after typing pauses. The cursor is reset in the same update as the term: an effect
  // after it would first query the new term with the old page's cursor.
  const { reset } = pager;
  useEffect(() => {
    const next = search.trim();
    if (next === term) return;
    const timer = setTimeout(() => {
      setTerm(next);
      reset();
    }, 250);
    return () => clearTimeout(timer);
  }, [search, term, reset]);

  const [result] = useQuery({
    query: DatasetsListQuery,
    variables: { orgId, first: PAGE, after: pager.after, search: term || null },
    pause: !orgId,
  });
  const list = result.data?.datasets;

  return (
    <>
      <PageHeader
        title="Datasets"
        actions={
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canWrite}
            title={permissionTitle(canWrite, 'create datasets')}
            onClick={() => setCreating(true)}
            aria-expanded={creating}
          >
            New dataset
          </button>
        }
      >
        <p className="muted">Versioned test cases for evaluations.</p>
      </PageHeader>
      {creating ? <NewDatasetForm orgId={orgId} onCancel={() => setCreating(false)} /> : null}
      <label className="field ds-search">
        <span>Search datasets</span>
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, slug or description" />
      </label>
      <QueryState fetching={result.fetching} error={result.error} hasData={!!list}>
        {list && list.nodes.length === 0 ? (
          <Empty title={term ? `No dataset matches “${term}”.` : 'No datasets yet.'}>
            {!term && canWrite ? <p className="muted">Create one with “New dataset”, then import a CSV or JSONL file.</p> : null}
          </Empty>
        ) : null}
        {list && list.nodes.length > 0 ? (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Datasets</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Items</th>
                    <th scope="col">Version</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {list.nodes.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <Link to={`/datasets/${d.id}`}>{d.name}</Link>
                        {d.description ? <div className="muted ds-desc">{d.description}</div> : null}
                      </td>
                      <td>{d.itemCount}</td>
                      <td>v{d.latestVersion}</td>
                      <td>{when(d.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              page={pager.page}
              hasPrevious={pager.hasPrevious}
              hasNext={list.pageInfo.hasNextPage}
              onPrevious={pager.previous}
              onNext={() => pager.next(list.pageInfo.endCursor)}
              total={list.totalCount}
              noun="datasets"
            />
          </>
        ) : null}
      </QueryState>
    </>
  );
}

function NewDatasetForm({ orgId, onCancel }: { orgId: string; onCancel: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [state, create] = useMutation(DatasetsCreateMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await create({ orgId, input: { name: name.trim(), description } });
    if (res.data) navigate(`/datasets/${res.data.createDataset.id}`);
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-dataset-title">
      <h2 id="new-dataset-title">New dataset</h2>
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      </label>
      <label className="field">
        <span>Description</span>
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {state.error ? <ErrorView error={state.error} /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={state.fetching || !name.trim()}>
          Create dataset
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
