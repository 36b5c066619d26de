import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorView, PageHeader, permissionTitle } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { emptyDraft, toVersionInput, type FieldProblems, type VersionDraft } from './draft';
import { PromptsCreateMutation } from './operations';
import { standingTemplateError } from './saveErrors';
import { VersionEditor } from './VersionEditor';

export function CreatePrompt() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const allowed = can('prompt:write');
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [draft, setDraft] = useState(emptyDraft);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [sent, setSent] = useState<VersionDraft | null>(null);
  const [result, create] = useMutation(PromptsCreateMutation);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const converted = toVersionInput(draft);
    if ('problems' in converted) {
      setProblems(converted.problems);
      return;
    }
    setProblems({});
    setSent(draft);
    const done = await create({
      orgId,
      input: {
        name: name.trim(),
        description: description.trim(),
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== ''),
        version: converted.input,
      },
    });
    if (done.data) navigate(`/prompts/${done.data.createPrompt.id}`);
  };

  return (
    <>
      <PageHeader title="New prompt">
        <p className="muted">
          <Link to="/prompts">Prompts</Link> / new
        </p>
      </PageHeader>
      <form className="card" onSubmit={submit} noValidate>
        <div className="grid-2">
          <label className="field">
            <span>Name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label className="field">
            <span>
              Tags <span className="hint">comma-separated</span>
            </span>
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="support, email" />
          </label>
        </div>
        <label className="field">
          <span>Description</span>
          <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <h2>Version 1</h2>
        <VersionEditor draft={draft} onChange={setDraft} problems={problems} serverError={standingTemplateError(result.error, sent, draft)} />
        {Object.keys(problems).length > 0 ? (
          <p className="field-error" role="alert">
            Fix the fields marked above.
          </p>
        ) : null}
        <ErrorView error={result.error} />
        <div className="row">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!allowed || result.fetching || name.trim() === ''}
            title={permissionTitle(allowed, 'create prompts')}
          >
            {result.fetching ? 'Creating…' : 'Create prompt'}
          </button>
          <Link className="btn btn-ghost" to="/prompts">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
