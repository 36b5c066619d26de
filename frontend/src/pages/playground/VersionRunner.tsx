import { useState } from 'react';
import { useQuery } from 'urql';
import { ErrorView, Loading } from '../../components/states';
import { PlaygroundVersionQuery } from './operations';
import { variablesObject } from './variables';

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
  onRun: (variables: Record<string, unknown>, cache: boolean) => void;
}) {
  const [result] = useQuery({ query: PlaygroundVersionQuery, variables: { id: promptId, number, label } });
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [json, setJson] = useState<Record<string, boolean>>({});
  const [cache, setCache] = useState(false);

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
          onRun(variablesObject(version.variables, texts, json), cache);
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

        <fieldset className="settings-readonly">
          <legend>Model settings</legend>
          <dl className="kv">
            <dt>Provider</dt>
            <dd>{m.provider}</dd>
            <dt>Model</dt>
            <dd className="mono">{m.model}</dd>
            <dt>Temperature</dt>
            <dd>{m.temperature ?? 'default'}</dd>
            <dt>Max tokens</dt>
            <dd>{m.maxTokens ?? 'default'}</dd>
            <dt>Top P</dt>
            <dd>{m.topP ?? 'default'}</dd>
            <dt>Stop</dt>
            <dd>{m.stop.length > 0 ? m.stop.map((s) => JSON.stringify(s)).join(', ') : 'none'}</dd>
            <dt>Extra</dt>
            <dd className="mono">{JSON.stringify(m.extra)}</dd>
          </dl>
          <p className="muted small" id="no-overrides">
            The API runs a version with its own model settings: <code>executePrompt</code> takes no overrides. To try other
            settings, save them as a new version.
          </p>
        </fieldset>

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
