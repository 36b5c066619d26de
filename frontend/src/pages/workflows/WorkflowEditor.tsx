// /workflows/:id — the workflow's latest (or chosen) version on the canvas, editable, saved as
// a new version; the run form and the runs list below.
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorView, Loading, PageHeader, QueryState } from '../../components/states';
import { useOrgId } from '../../lib/org';
import { EditorWorkspace } from './EditorWorkspace';
import { RunForm } from './RunForm';
import { RunsList } from './RunsList';
import { emptyGraph, fromDefinitionJson, type Graph } from './model';
import { WorkflowsDetailQuery, WorkflowsPromptsQuery, WorkflowsVersionQuery } from './operations';
import type { PromptChoice } from './StepFields';

export function WorkflowEditor() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const chosen = params.get('version');
  const orgId = useOrgId();
  const [detail, refetchDetail] = useQuery({ query: WorkflowsDetailQuery, variables: { id } });
  const workflow = detail.data?.workflow ?? null;
  const latest = workflow?.latestVersion?.version ?? null;
  const number = chosen ? Number(chosen) : latest;
  const [version] = useQuery({
    query: WorkflowsVersionQuery,
    variables: { id, number },
    pause: !workflow || number === null,
  });
  const [promptsResult] = useQuery({ query: WorkflowsPromptsQuery, variables: { orgId }, pause: !orgId });
  const prompts: PromptChoice[] = useMemo(() => promptsResult.data?.prompts.nodes ?? [], [promptsResult.data]);

  const v = version.data?.workflow?.version ?? null;
  const initial = useMemo<{ graph: Graph; error: string | null }>(() => {
    if (!v) return { graph: emptyGraph(), error: null };
    try {
      return { graph: fromDefinitionJson(v.definitionJson), error: null };
    } catch (e) {
      return { graph: emptyGraph(), error: e instanceof Error ? e.message : String(e) };
    }
  }, [v]);

  if (!workflow) {
    return (
      <QueryState fetching={detail.fetching} error={detail.error} hasData={false}>
        {null}
      </QueryState>
    );
  }
  const loadingVersion = number !== null && !v;

  return (
    <>
      <PageHeader
        title={workflow.name}
        actions={
          workflow.versions.nodes.length > 0 ? (
            <label className="field wf-version-pick">
              <span>Version shown</span>
              <select
                value={number ?? ''}
                onChange={(e) => setParams(e.target.value && Number(e.target.value) !== latest ? { version: e.target.value } : {})}
              >
                {workflow.versions.nodes.map((ver) => (
                  <option key={ver.id} value={ver.version}>
                    v{ver.version}
                    {ver.version === latest ? ' (latest)' : ''} — {ver.commitMessage || 'no message'}
                  </option>
                ))}
              </select>
            </label>
          ) : null
        }
      >
        <p className="muted">
          <Link to="/workflows">Workflows</Link> / <span className="mono">{workflow.slug}</span>
          {workflow.description ? ` — ${workflow.description}` : ''}
        </p>
        <p className="muted">
          {latest === null ? 'No version yet: build the first one below and save it.' : `Showing version ${number}${number === latest ? ' (latest)' : ''}.`}
          {workflow.labels.filter((l) => l.name !== 'latest').map((l) => (
            <span key={l.name} className="badge wf-label">{l.name} → v{l.version}</span>
          ))}
        </p>
      </PageHeader>
      {version.error ? <ErrorView error={version.error} /> : null}
      {initial.error ? <ErrorView problem={{ code: 'BAD_USER_INPUT', title: 'This version could not be read.', detail: initial.error, issues: [] }} /> : null}
      {loadingVersion ? (
        <Loading what="Loading the version" />
      ) : (
        <EditorWorkspace
          key={`${id}:${v?.version ?? 'new'}`}
          workflowId={id}
          initial={initial.graph}
          prompts={prompts}
          onSaved={(saved) => {
            refetchDetail({ requestPolicy: 'network-only' });
            setParams(saved ? {} : params);
          }}
        />
      )}
      {v ? <RunForm workflowId={id} version={v.version} inputs={v.inputs} /> : null}
      <RunsList workflowId={id} />
    </>
  );
}

