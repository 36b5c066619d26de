import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorView, PageHeader, permissionTitle, QueryState } from '../../components/states';
import { useOrg } from '../../lib/org';
import { draftFrom, emptyDraft, toVersionInput, type FieldProblems, type VersionDraft } from './draft';
import { PromptsCreateVersionMutation, PromptsLatestQuery } from './operations';
import { standingTemplateError } from './saveErrors';
import { VersionEditor } from './VersionEditor';

export function NewVersion() {
  const { id = '' } = useParams();
  const [result] = useQuery({ query: PromptsLatestQuery, variables: { id }, requestPolicy: 'network-only' });
  const prompt = result.data?.prompt;
  return (
    <QueryState fetching={result.fetching} error={result.error} hasData={!!prompt}>
      {prompt ? (
        <NewVersionForm
          key={prompt.latestVersion?.id ?? 'none'}
          promptId={prompt.id}
          name={prompt.name}
          base={prompt.latestVersion ? { number: prompt.latestVersion.version, draft: draftFrom(prompt.latestVersion) } : null}
        />
      ) : null}
    </QueryState>
  );
}

function NewVersionForm({ promptId, name, base }: { promptId: string; name: string; base: { number: number; draft: VersionDraft } | null }) {
  const { can } = useOrg();
  const allowed = can('prompt:write');
  const navigate = useNavigate();
  const [draft, setDraft] = useState(() => base?.draft ?? emptyDraft());
  const [problems, setProblems] = useState<FieldProblems>({});
  const [sent, setSent] = useState<VersionDraft | null>(null);
  const [saved, save] = useMutation(PromptsCreateVersionMutation);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const converted = toVersionInput(draft);
    if ('problems' in converted) {
      setProblems(converted.problems);
      return;
    }
    setProblems({});
    setSent(draft);
    const done = await save({ promptId, input: converted.input });
    if (done.data) navigate(`/prompts/${promptId}`);
  };

  return (
    <>
      <PageHeader title={`New version of ${name}`}>
        <p className="muted">
          <Link to="/prompts">Prompts</Link> / <Link to={`/prompts/${promptId}`}>{name}</Link> / new version
          {base ? ` (starting from v${base.number})` : ''}
        </p>
      </PageHeader>
      <form className="card" onSubmit={submit} noValidate>
        <VersionEditor draft={draft} onChange={setDraft} problems={problems} serverError={standingTemplateError(saved.error, sent, draft)} />
        {Object.keys(problems).length > 0 ? (
          <p className="field-error" role="alert">
            Fix the fields marked above.
          </p>
        ) : null}
        <ErrorView error={saved.error} />
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={!allowed || saved.fetching} title={permissionTitle(allowed, 'edit prompts')}>
            {saved.fetching ? 'Saving…' : 'Save version'}
          </button>
          <Link className="btn btn-ghost" to={`/prompts/${promptId}`}>
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
