import { useMemo } from 'react';
import type { Provider } from '../../gql/graphql';
import { MessageEditor } from './MessageEditor';
import { messageKey, PROVIDERS, type DraftModel, type FieldProblems, type VersionDraft } from './draft';
import { readTemplate, type ServerTemplateError, type TemplateIssue } from './template';
import { useDebounced } from './useDebounced';

/**
 * Messages, model settings and commit message of a version. Variables and template errors
 * follow the text as it is typed (a client-side scan, debounced); `serverError` is the
 * server's verdict on the last save, placed at its message and line.
 */
export function VersionEditor({
  draft,
  onChange,
  problems,
  serverError,
}: {
  draft: VersionDraft;
  onChange: (next: VersionDraft) => void;
  problems: FieldProblems;
  serverError: ServerTemplateError | null;
}) {
  const contents = useDebounced(
    useMemo(() => draft.messages.map((m) => m.content), [draft.messages]),
    250,
  );
  const readings = useMemo(() => contents.map((c) => readTemplate(c)), [contents]);
  const variables = useMemo(() => [...new Set(readings.flatMap((r) => r.variables))].sort(), [readings]);

  const setMessages = (messages: VersionDraft['messages']) => onChange({ ...draft, messages });
  const setModel = (patch: Partial<DraftModel>) => onChange({ ...draft, model: { ...draft.model, ...patch } });

  const issuesFor = (i: number): TemplateIssue[] => {
    const own = draft.messages[i]?.content === contents[i] ? (readings[i]?.issues ?? []) : [];
    const server =
      serverError && serverError.message === i + 1
        ? [{ line: serverError.line, message: `${serverError.detail} (from the server)` }]
        : [];
    return [...server, ...own.filter((o) => !server.some((s) => s.line === o.line))];
  };

  return (
    <div className="version-editor">
      <section aria-labelledby="messages-heading">
        <h2 id="messages-heading">Messages</h2>
        <p className="muted">
          Templates use minijinja: <code>{'{{ variable }}'}</code>, filters (<code>{'{{ topic | upper }}'}</code>),{' '}
          <code>{'{% if %}'}</code>, <code>{'{% for %}'}</code>.
        </p>
        {draft.messages.map((message, i) => (
          <MessageEditor
            key={message.key}
            message={message}
            position={i + 1}
            count={draft.messages.length}
            issues={issuesFor(i)}
            onChange={(next) => setMessages(draft.messages.map((m, k) => (k === i ? next : m)))}
            onRemove={() => setMessages(draft.messages.filter((_, k) => k !== i))}
            onMove={(delta) => {
              const j = i + delta;
              if (j < 0 || j >= draft.messages.length) return;
              const next = [...draft.messages];
              [next[i], next[j]] = [next[j]!, next[i]!];
              setMessages(next);
            }}
          />
        ))}
        {problems.messages ? <p className="field-error">{problems.messages}</p> : null}
        <button
          type="button"
          className="btn"
          onClick={() => setMessages([...draft.messages, { key: messageKey(), role: 'USER', content: '' }])}
        >
          Add message
        </button>
        <div className="detected-variables" aria-live="polite">
          <h3>Detected variables</h3>
          {variables.length === 0 ? (
            <p className="muted">None yet: write <code>{'{{ name }}'}</code> in a message.</p>
          ) : (
            <ul className="chips" aria-label="Detected variables">
              {variables.map((v) => (
                <li key={v} className="badge info mono">
                  {v}
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>

      <section aria-labelledby="model-heading">
        <h2 id="model-heading">Model settings</h2>
        <div className="grid-2">
          <label className="field">
            <span>Provider</span>
            <select value={draft.model.provider} onChange={(e) => setModel({ provider: e.target.value as Provider })}>
              {PROVIDERS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <Text label="Model" value={draft.model.model} problem={problems.model} onChange={(model) => setModel({ model })} hint={draft.model.provider === 'MOCK' ? 'echo or lorem' : undefined} />
          <Text label="Temperature" value={draft.model.temperature} problem={problems.temperature} onChange={(temperature) => setModel({ temperature })} inputMode="decimal" hint="0–2, empty for the provider's default" />
          <Text label="Max tokens" value={draft.model.maxTokens} problem={problems.maxTokens} onChange={(maxTokens) => setModel({ maxTokens })} inputMode="numeric" />
          <Text label="Top P" value={draft.model.topP} problem={problems.topP} onChange={(topP) => setModel({ topP })} inputMode="decimal" hint="0–1" />
          <label className="field">
            <span>
              Stop sequences <span className="hint">one per line</span>
            </span>
            <textarea rows={2} value={draft.model.stop} onChange={(e) => setModel({ stop: e.target.value })} />
          </label>
        </div>
        <Text
          label="Extra (JSON object)"
          value={draft.model.extra}
          problem={problems.extra}
          onChange={(extra) => setModel({ extra })}
          multiline
          hint={draft.model.provider === 'MOCK' ? 'e.g. {"tokenDelayMs": 80} to watch tokens stream' : undefined}
        />
      </section>

      <label className="field">
        <span>Commit message</span>
        <input value={draft.commitMessage} onChange={(e) => onChange({ ...draft, commitMessage: e.target.value })} placeholder="What changed and why" />
      </label>
    </div>
  );
}

function Text({
  label,
  value,
  onChange,
  problem,
  hint,
  multiline,
  inputMode,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem?: string | undefined;
  hint?: string | undefined;
  multiline?: boolean;
  inputMode?: 'decimal' | 'numeric';
}) {
  const errorId = `${label.replace(/\W+/g, '-').toLowerCase()}-problem`;
  const common = {
    value,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': problem ? errorId : undefined,
  } as const;
  return (
    <label className="field">
      <span>
        {label} {hint ? <span className="hint">{hint}</span> : null}
      </span>
      {multiline ? (
        <textarea {...common} rows={3} spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} inputMode={inputMode} onChange={(e) => onChange(e.target.value)} />
      )}
      {problem ? (
        <span id={errorId} className="field-error">
          {problem}
        </span>
      ) : null}
    </label>
  );
}
