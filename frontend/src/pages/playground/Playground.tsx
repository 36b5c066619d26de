import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, Loading, PageHeader, permissionTitle, QueryState } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { History } from './History';
import { PlaygroundExecuteMutation, PlaygroundPromptQuery, PlaygroundPromptsQuery } from './operations';
import { RunPanel } from './RunPanel';
import { VersionRunner } from './VersionRunner';
import type { ModelOverrideInput } from '../../gql/graphql';

export function Playground() {
  const orgId = useOrgId();
  const [params, setParams] = useSearchParams();
  const promptId = params.get('prompt') ?? '';
  const [prompts] = useQuery({ query: PlaygroundPromptsQuery, variables: { orgId } });
  const list = prompts.data?.prompts.nodes;

  const choosePrompt = (id: string) => setParams(id ? { prompt: id } : {}, { replace: true });

  return (
    <>
      <PageHeader title="Playground">
        <p className="muted">Run a prompt version with your variables and watch the tokens stream.</p>
      </PageHeader>
      <QueryState fetching={prompts.fetching} error={prompts.error} hasData={!!list}>
        {list && list.length === 0 ? (
          <Empty title="No prompts to run yet.">
            <Link className="btn btn-primary" to="/prompts/new">
              Create a prompt
            </Link>
          </Empty>
        ) : list ? (
          <div className="card">
            <label className="field">
              <span>Prompt</span>
              <select value={promptId} onChange={(e) => choosePrompt(e.target.value)}>
                <option value="">Choose a prompt…</option>
                {list.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
                {promptId && !list.some((p) => p.id === promptId) ? <option value={promptId}>(this prompt)</option> : null}
              </select>
            </label>
            {promptId ? <PromptPicker key={promptId} orgId={orgId} promptId={promptId} /> : <p className="muted">Choose a prompt to run.</p>}
          </div>
        ) : null}
      </QueryState>
    </>
  );
}

/** Version or label of the chosen prompt, its variables, Run, the live run and the history. */
function PromptPicker({ orgId, promptId }: { orgId: string; promptId: string }) {
  const { can } = useOrg();
  const canRun = can('execution:execute');
  const [params, setParams] = useSearchParams();
  const [prompt] = useQuery({ query: PlaygroundPromptQuery, variables: { id: promptId } });
  const version = params.get('version');
  const label = params.get('label');
  const selection = version ? `version:${version}` : `label:${label ?? 'latest'}`;
  const select = (value: string) => {
    const [kind, name] = value.split(':') as [string, string];
    setParams(kind === 'version' ? { prompt: promptId, version: name } : { prompt: promptId, label: name }, { replace: true });
  };

  const [executed, execute] = useMutation(PlaygroundExecuteMutation);
  const [runs, setRuns] = useState<string[]>([]);
  const [finished, setFinished] = useState(0);
  const current = runs[runs.length - 1] ?? null;

  if (prompt.fetching && !prompt.data) return <Loading what="Loading the prompt" />;
  const p = prompt.data?.prompt;
  if (!p) return <ErrorView error={prompt.error} />;

  const number = version ? Number(version) : null;
  const run = async (variables: Record<string, unknown>, cache: boolean, model: ModelOverrideInput | null) => {
    const done = await execute({
      promptId,
      input: {
        ...(number !== null ? { version: number } : { label: label ?? 'latest' }),
        variables,
        cache,
        ...(model ? { model } : {}),
      },
    });
    if (done.data) setRuns((r) => [...r, done.data!.executePrompt.id]);
  };

  return (
    <>
      <label className="field">
        <span>Version or label</span>
        <select value={selection} onChange={(e) => select(e.target.value)}>
          <optgroup label="Labels">
            {p.labels.map((l) => (
              <option key={l.name} value={`label:${l.name}`}>
                {l.name} (v{l.version})
              </option>
            ))}
          </optgroup>
          <optgroup label="Versions">
            {p.versions.nodes.map((v) => (
              <option key={v.id} value={`version:${v.version}`}>
                v{v.version} — {v.commitMessage || 'no message'}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <VersionRunner
        key={selection}
        promptId={promptId}
        number={number}
        label={number === null ? (label ?? 'latest') : null}
        running={executed.fetching}
        canRun={canRun}
        runTitle={permissionTitle(canRun, 'run prompts')}
        onRun={run}
      />
      <ErrorView error={executed.error} />
      {current ? <RunPanel key={current} executionId={current} onFinished={() => setFinished((n) => n + 1)} /> : null}
      <History orgId={orgId} promptId={promptId} refresh={finished} />
    </>
  );
}
