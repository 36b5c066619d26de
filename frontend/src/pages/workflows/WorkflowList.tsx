import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { WorkflowsCreateMutation, WorkflowsListQuery } from './operations';
import { Pager } from '../../components/Pager';
import { usePager } from '../../components/usePager';

const PAGE = 20;

export function WorkflowList() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canWrite = can('workflow:write');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const pager = usePager();
  const { reset } = pager;
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(search.trim());
      reset();
    }, 250);
    return () => clearTimeout(timer);
  }, [search, reset]);

  const after = pager.after;
  const [result] = useQuery({
    query: WorkflowsListQuery,
    variables: { orgId, first: PAGE, after, search: query || null },
    pause: !orgId,
  });
  const data = result.data?.workflows;

  return (
    <>
      <PageHeader
        title="Workflows"
        actions={
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canWrite}
            title={permissionTitle(canWrite, 'create workflows')}
            onClick={() => setCreating(true)}
          >
            New workflow
          </button>
        }
      >
        <p className="muted">Versioned DAGs of prompts, models, templates, conditions, maps and approvals.</p>
      </PageHeader>
      {creating ? <CreateWorkflow onCancel={() => setCreating(false)} /> : null}
      <div className="row wf-toolbar">
        <label className="field wf-search">
          <span>Search workflows</span>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, slug or description" />
        </label>
        {data ? <p className="muted" aria-live="polite">{data.totalCount} workflow{data.totalCount === 1 ? '' : 's'}</p> : null}
      </div>
      <QueryState fetching={result.fetching} error={result.error} hasData={!!data}>
        {data && data.nodes.length === 0 ? (
          <Empty title={query ? 'No workflow matches this search.' : 'No workflows yet.'}>
            {!query && canWrite ? <p className="muted">Create one with “New workflow”.</p> : null}
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Description</th>
                  <th scope="col">Latest version</th>
                  <th scope="col">Labels</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {data?.nodes.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <Link to={`/workflows/${w.id}`}>{w.name}</Link>
                      <div className="muted mono">{w.slug}</div>
                    </td>
                    <td>{w.description || <span className="muted">—</span>}</td>
                    <td>{w.latestVersion ? `v${w.latestVersion.version}` : <span className="muted">none yet</span>}</td>
                    <td>
                      {w.labels
                        .filter((l) => l.name !== 'latest')
                        .map((l) => (
                          <span key={l.name} className="badge">{l.name} → v{l.version}</span>
                        ))}
                    </td>
                    <td>{new Date(w.updatedAt).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          page={pager.page}
          hasPrevious={pager.hasPrevious}
          hasNext={data?.pageInfo.hasNextPage ?? false}
          onPrevious={pager.previous}
          onNext={() => pager.next(data?.pageInfo.endCursor)}
          noun="workflows"
        />
      </QueryState>
    </>
  );
}

function CreateWorkflow({ onCancel }: { onCancel: () => void }) {
  const orgId = useOrgId();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [state, create] = useMutation(WorkflowsCreateMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ orgId, input: { name: name.trim(), description } });
    const id = result.data?.createWorkflow.id;
    if (id) navigate(`/workflows/${id}`);
  };

  return (
    <form className="card stack wf-create" onSubmit={submit} aria-labelledby="wf-create-title">
      <h2 id="wf-create-title">New workflow</h2>
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
          Create workflow
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
