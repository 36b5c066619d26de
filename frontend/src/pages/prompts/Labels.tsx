import { useState } from 'react';
import { useMutation } from 'urql';
import { ErrorView, permissionTitle } from '../../components/states';
import { useOrg } from '../../lib/org';
import { PromptsRemoveLabelMutation, PromptsSetLabelMutation } from './operations';

interface Label {
  name: string;
  version: number;
  updatedAt: string;
}

const LABEL_RE = /^[a-z0-9-]{1,32}$/;

/**
 * The prompt's labels: promote one onto where another points (production ← staging), point a
 * label at a version, remove one. Moving `production` needs `prompt:deploy`; any other label
 * `prompt:write`.
 */
export function Labels({ promptId, labels, versions, onChanged }: { promptId: string; labels: Label[]; versions: number[]; onChanged: () => void }) {
  const { can } = useOrg();
  const canWrite = can('prompt:write');
  const canDeploy = can('prompt:deploy');
  const mayMove = (label: string) => (label === 'production' ? canDeploy : canWrite);
  const movable = labels.filter((l) => l.name !== 'latest');

  const [setResult, setLabel] = useMutation(PromptsSetLabelMutation);
  const [removeResult, removeLabel] = useMutation(PromptsRemoveLabelMutation);

  const [target, setTarget] = useState('production');
  const [source, setSource] = useState(() => (labels.some((l) => l.name === 'staging') ? 'staging' : 'latest'));
  const [name, setName] = useState('');
  const [version, setVersion] = useState(String(versions[0] ?? ''));
  const [done, setDone] = useState('');

  const sourceVersion = labels.find((l) => l.name === source)?.version;
  const targetVersion = labels.find((l) => l.name === target)?.version;
  const promoteAllowed = mayMove(target);

  const promote = async (event: React.FormEvent) => {
    event.preventDefault();
    const r = await setLabel({ promptId, input: { label: target, fromLabel: source } });
    if (r.data) {
      setDone(`${target} now points at v${r.data.setPromptLabel.version}.`);
      onChanged();
    }
  };
  const point = async (event: React.FormEvent) => {
    event.preventDefault();
    const r = await setLabel({ promptId, input: { label: name.trim(), version: Number(version) } });
    if (r.data) {
      setDone(`${r.data.setPromptLabel.name} now points at v${r.data.setPromptLabel.version}.`);
      setName('');
      onChanged();
    }
  };
  const remove = async (label: string) => {
    const r = await removeLabel({ promptId, label });
    if (r.data) {
      setDone(`Removed ${label}.`);
      onChanged();
    }
  };

  const nameOk = LABEL_RE.test(name.trim()) && name.trim() !== 'latest';
  return (
    <section className="card" aria-labelledby="labels-heading">
      <h2 id="labels-heading">Labels</h2>
      <ul className="label-list">
        {labels.map((l) => (
          <li key={l.name}>
            <span className={`badge label-${l.name === 'production' ? 'prod' : 'other'}`}>{l.name}</span> → v{l.version}
            {l.name !== 'latest' ? (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                disabled={!mayMove(l.name) || removeResult.fetching}
                title={permissionTitle(mayMove(l.name), l.name === 'production' ? 'deploy to production' : 'edit labels')}
                onClick={() => remove(l.name)}
                aria-label={`Remove ${l.name}`}
              >
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>

      <form className="label-form" onSubmit={promote} aria-labelledby="promote-heading">
        <h3 id="promote-heading">Promote</h3>
        <div className="row">
          <label className="field">
            <span>Move label</span>
            <input list="prompt-label-names" value={target} onChange={(e) => setTarget(e.target.value.trim())} />
          </label>
          <label className="field">
            <span>to where this label points</span>
            <select value={source} onChange={(e) => setSource(e.target.value)}>
              {labels.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name} (v{l.version})
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!promoteAllowed || setResult.fetching || !LABEL_RE.test(target) || target === 'latest' || target === source}
            title={permissionTitle(promoteAllowed, target === 'production' ? 'deploy to production' : 'edit labels')}
          >
            Promote
          </button>
        </div>
        <p className="muted small">
          {target} {targetVersion !== undefined ? `is at v${targetVersion}` : 'is not set yet'}
          {sourceVersion !== undefined ? `; promoting moves it to v${sourceVersion}.` : '.'}
        </p>
        <datalist id="prompt-label-names">
          {['production', 'staging', ...movable.map((l) => l.name)]
            .filter((v, i, all) => all.indexOf(v) === i)
            .map((n) => (
              <option key={n} value={n} />
            ))}
        </datalist>
      </form>

      <form className="label-form" onSubmit={point} aria-labelledby="point-heading">
        <h3 id="point-heading">Point a label at a version</h3>
        <div className="row">
          <label className="field">
            <span>Label</span>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="staging" aria-invalid={name !== '' && !nameOk} />
          </label>
          <label className="field">
            <span>Version</span>
            <select value={version} onChange={(e) => setVersion(e.target.value)}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="btn"
            disabled={!mayMove(name.trim()) || !nameOk || setResult.fetching}
            title={permissionTitle(mayMove(name.trim()), name.trim() === 'production' ? 'deploy to production' : 'edit labels')}
          >
            Set label
          </button>
        </div>
        {name !== '' && !nameOk ? <p className="field-error">Lowercase letters, digits and dashes, up to 32; not “latest”.</p> : null}
      </form>
      <ErrorView error={setResult.error ?? removeResult.error} />
      <p className="visually-hidden" role="status">
        {done}
      </p>
      {done ? <p className="muted small" aria-hidden="true">{done}</p> : null}
    </section>
  );
}
