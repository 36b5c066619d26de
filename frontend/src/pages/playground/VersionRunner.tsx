import { useState } from 'react';
import { useQuery } from 'urql';
import { ErrorView, Loading } from '../../components/states';
import { PlaygroundVersionQuery } from './operations';
import { variablesObject } from './variables';
import { ModelSettings } from './ModelSettings';
import { EMPTY_OVERRIDES, overridesFrom, type OverrideForm } from './overrides';
import type { ModelOverrideInput } from '../../gql/graphql';

/** The chosen version: its messages and settings (read-only), a form for its variables, Run. */
export function VersionRunner({
  promptId,
  number,
  label,
  running,
  canRun,
  runTitle,
  onRun,
}: {
  promptId: string;
  number: number | null;
  label: string | null;
  running: boolean;
  canRun: boolean;
  runTitle: string | undefined;
  onRun: (variables: Record<string, unknown>, cache: boolean, model: ModelOverrideInput | null) => void;
}) {
  const [result] = useQuery({ query: PlaygroundVersionQuery, variables: { id: promptId, number, label } });
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [json, setJson] = useState<Record<string, boolean>>({});
  const [cache, setCache] = useState(false);
  const [overrides, setOverrides] = useState<OverrideForm>(EMPTY_OVERRIDES);
  const [errors, setErrors] = useState<Partial<Record<keyof OverrideForm, string>>>({});

  if (result.fetching && !result.data) return <Loading what="Loading the version" />;
  const version = result.data?.prompt?.version;
  if (!version) return <ErrorView error={result.error} />;
  const m = version.model;

  return (
    <div className="version-runner">
      <details className="version-preview">
        <summary>
          v{version.version}: {version.messages.length} {version.messages.length === 1 ? 'message' : 'messages'},{' '}
          <span className="mono">
            {m.provider.toLowerCase()}/{m.model}
          </span>
        </summary>
        {version.messages.map((msg, i) => (
          <div key={i} className="preview-message">
            <span className="badge">{msg.role.toLowerCase()}</span>
            <pre>{msg.content}</pre>
          </div>
        ))}
      </details>

      <form
        onSubmit={(e) => {
          e.preventDefault();
          const settings = overridesFrom(overrides);
          if (!settings.ok) {
            setErrors(settings.errors);
            return;
          }
          setErrors({});
          onRun(variablesObject(version.variables, texts, json), cache, settings.input);
        }}
      >
        <fieldset className="variables-form">
          <legend>Variables</legend>
          {version.variables.length === 0 ? <p className="muted">This version uses no variables.</p> : null}
          {version.variables.map((name) => (
            <div key={name} className="variable-field">
              <label className="field">
                <span className="mono">{name}</span>
                <textarea rows={2} value={texts[name] ?? ''} onChange={(e) => setTexts((t) => ({ ...t, [name]: e.target.value }))} />
              </label>
              <label className="check">
                <input type="checkbox" checked={json[name] ?? false} onChange={(e) => setJson((j) => ({ ...j, [name]: e.target.checked }))} />
                <span>Read {name} as JSON (lists, objects, numbers)</span>
              </label>
            </div>
          ))}
        </fieldset>

        <ModelSettings model={m} form={overrides} errors={errors} onChange={setOverrides} />

        <div className="row">
          <label className="check">
            <input type="checkbox" checked={cache} onChange={(e) => setCache(e.target.checked)} />
            <span>Use the response cache</span>
          </label>
          <span className="spacer" />
          <button type="submit" className="btn btn-primary" disabled={!canRun || running} title={runTitle}>
            {running ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </div>
  );
}
