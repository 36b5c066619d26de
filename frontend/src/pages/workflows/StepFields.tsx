// The fields of each node kind, in the editor's side panel.
import { useEffect, useState } from 'react';
import type { MessageRole, Provider } from '../../gql/graphql';
import { defaultStep, type InnerStep, type LlmStep, type ModelSettings, type PromptStep, type Step } from './model';

export interface PromptChoice { id: string; name: string; labels: { name: string; version: number }[] }

interface Props<S> {
  step: S;
  onChange: (step: S) => void;
  prompts: PromptChoice[];
  /** Template references the node may use: `inputs.x`, `nodes.y.output`. */
  refs: string[];
  idPrefix: string;
}

const PROVIDERS: Provider[] = ['MOCK', 'OPENAI', 'ANTHROPIC', 'OPENAI_COMPATIBLE'];
const ROLES: MessageRole[] = ['SYSTEM', 'USER', 'ASSISTANT'];

export function StepFields(props: Props<Step>) {
  const { step, onChange } = props;
  switch (step.kind) {
    case 'prompt':
    case 'llm':
    case 'template':
      return <InnerFields {...props} step={step} onChange={onChange} />;
    case 'condition':
      return (
        <label className="field">
          <span>Expression</span>
          <input className="mono" value={step.expression} onChange={(e) => onChange({ ...step, expression: e.target.value })} placeholder="nodes.check.output == 'yes'" />
        </label>
      );
    case 'approval':
      return (
        <label className="field">
          <span>Instructions for the approver</span>
          <textarea rows={3} value={step.instructions} onChange={(e) => onChange({ ...step, instructions: e.target.value })} />
        </label>
      );
    case 'map':
      return (
        <>
          <label className="field">
            <span>Array source (expression)</span>
            <input className="mono" value={step.source} onChange={(e) => onChange({ ...step, source: e.target.value })} placeholder="inputs.documents" />
          </label>
          <div className="grid-2">
            <label className="field">
              <span>Concurrency</span>
              <input type="number" min={1} value={step.concurrency} onChange={(e) => onChange({ ...step, concurrency: Math.max(1, Number(e.target.value) || 1) })} />
            </label>
            <label className="field">
              <span>When an item fails</span>
              <select value={step.onItemFailure} onChange={(e) => onChange({ ...step, onItemFailure: e.target.value === 'SKIP' ? 'SKIP' : 'FAIL' })}>
                <option value="FAIL">Fail the map</option>
                <option value="SKIP">Skip it (null)</option>
              </select>
            </label>
          </div>
          <fieldset className="wf-fieldset">
            <legend>Step for each item (sees item and index)</legend>
            <label className="field">
              <span>Item step kind</span>
              <select
                value={step.step.kind}
                onChange={(e) => {
                  const kind = e.target.value as InnerStep['kind'];
                  onChange({ ...step, step: defaultStep(kind) as InnerStep });
                }}
              >
                <option value="prompt">prompt</option>
                <option value="llm">llm</option>
                <option value="template">template</option>
              </select>
            </label>
            <InnerFields {...props} step={step.step} onChange={(inner) => onChange({ ...step, step: inner })} idPrefix={`${props.idPrefix}-item`} />
          </fieldset>
        </>
      );
  }
}

function InnerFields(props: Props<InnerStep>) {
  const { step, onChange } = props;
  if (step.kind === 'prompt') return <PromptFields {...props} step={step} onChange={onChange} />;
  if (step.kind === 'llm') return <LlmFields {...props} step={step} onChange={onChange} />;
  return (
    <>
      <label className="field">
        <span>Template</span>
        <textarea className="mono" rows={4} value={step.template} onChange={(e) => onChange({ ...step, template: e.target.value })} />
      </label>
      <label className="wf-check">
        <input type="checkbox" checked={step.json} onChange={(e) => onChange({ ...step, json: e.target.checked })} /> Parse the result as JSON
      </label>
      <Refs refs={props.refs} />
    </>
  );
}

function PromptFields({ step, onChange, prompts, refs }: Props<PromptStep>) {
  const chosen = prompts.find((p) => p.id === step.promptId);
  const mode = step.label !== null ? 'label' : step.version !== null ? 'version' : 'latest';
  return (
    <>
      <label className="field">
        <span>Prompt</span>
        <select value={step.promptId} onChange={(e) => onChange({ ...step, promptId: e.target.value })}>
          <option value="">Choose a prompt…</option>
          {prompts.map((p) => (
            <option key={p.id} value={p.id}>{p.name}</option>
          ))}
          {step.promptId && !chosen ? <option value={step.promptId}>{step.promptId}</option> : null}
        </select>
      </label>
      <div className="grid-2">
        <label className="field">
          <span>Which version</span>
          <select
            value={mode}
            onChange={(e) => {
              const m = e.target.value;
              if (m === 'latest') onChange({ ...step, version: null, label: null });
              else if (m === 'version') onChange({ ...step, version: 1, label: null });
              else onChange({ ...step, version: null, label: chosen?.labels.find((l) => l.name !== 'latest')?.name ?? 'production' });
            }}
          >
            <option value="latest">Latest</option>
            <option value="version">A version number</option>
            <option value="label">A label</option>
          </select>
        </label>
        {mode === 'version' ? (
          <label className="field">
            <span>Version number</span>
            <input type="number" min={1} value={step.version ?? 1} onChange={(e) => onChange({ ...step, version: Math.max(1, Number(e.target.value) || 1) })} />
          </label>
        ) : mode === 'label' ? (
          <label className="field">
            <span>Label</span>
            <input list="wf-prompt-labels" value={step.label ?? ''} onChange={(e) => onChange({ ...step, label: e.target.value })} />
            <datalist id="wf-prompt-labels">
              {chosen?.labels.map((l) => <option key={l.name} value={l.name}>{`v${l.version}`}</option>)}
            </datalist>
          </label>
        ) : null}
      </div>
      <Bindings step={step} onChange={onChange} />
      <Refs refs={refs} />
    </>
  );
}

function Bindings({ step, onChange }: { step: PromptStep; onChange: (s: PromptStep) => void }) {
  const set = (i: number, patch: Partial<{ name: string; template: string }>) =>
    onChange({ ...step, variables: step.variables.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  return (
    <fieldset className="wf-fieldset">
      <legend>Variables</legend>
      {step.variables.length === 0 ? <p className="muted">No variables mapped.</p> : null}
      {step.variables.map((v, i) => (
        <div key={i} className="wf-binding">
          <label className="field">
            <span>Variable {i + 1} name</span>
            <input className="mono" value={v.name} onChange={(e) => set(i, { name: e.target.value })} />
          </label>
          <label className="field">
            <span>Variable {i + 1} value (template)</span>
            <input className="mono" value={v.template} onChange={(e) => set(i, { template: e.target.value })} placeholder="{{ inputs.topic }}" />
          </label>
          <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove variable ${i + 1}`} onClick={() => onChange({ ...step, variables: step.variables.filter((_, j) => j !== i) })}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange({ ...step, variables: [...step.variables, { name: '', template: '' }] })}>
        Add variable
      </button>
    </fieldset>
  );
}

function LlmFields({ step, onChange, refs }: Props<LlmStep>) {
  const setMsg = (i: number, patch: Partial<LlmStep['messages'][number]>) =>
    onChange({ ...step, messages: step.messages.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  return (
    <>
      <fieldset className="wf-fieldset">
        <legend>Messages</legend>
        {step.messages.map((m, i) => (
          <div key={i} className="stack wf-message">
            <div className="row">
              <label className="field">
                <span>Message {i + 1} role</span>
                <select value={m.role} onChange={(e) => setMsg(i, { role: e.target.value as MessageRole })}>
                  {ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
                </select>
              </label>
              <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove message ${i + 1}`} onClick={() => onChange({ ...step, messages: step.messages.filter((_, j) => j !== i) })}>
                ✕
              </button>
            </div>
            <label className="field">
              <span>Message {i + 1} content</span>
              <textarea className="mono" rows={3} value={m.content} onChange={(e) => setMsg(i, { content: e.target.value })} />
            </label>
          </div>
        ))}
        <button type="button" className="btn btn-small" onClick={() => onChange({ ...step, messages: [...step.messages, { role: 'USER', content: '' }] })}>
          Add message
        </button>
      </fieldset>
      <ModelFields model={step.model} onChange={(model) => onChange({ ...step, model })} />
      <Refs refs={refs} />
    </>
  );
}

function ModelFields({ model, onChange }: { model: ModelSettings; onChange: (m: ModelSettings) => void }) {
  const [extra, setExtra] = useState(() => (model.extra === null ? '' : JSON.stringify(model.extra)));
  const [extraError, setExtraError] = useState<string | null>(null);
  useEffect(() => {
    setExtra(model.extra === null ? '' : JSON.stringify(model.extra));
  }, [model.extra]);
  return (
    <fieldset className="wf-fieldset">
      <legend>Model</legend>
      <div className="grid-2">
        <label className="field">
          <span>Provider</span>
          <select value={model.provider} onChange={(e) => onChange({ ...model, provider: e.target.value as Provider })}>
            {PROVIDERS.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Model name</span>
          <input value={model.model} onChange={(e) => onChange({ ...model, model: e.target.value })} />
        </label>
      </div>
      <label className="field">
        <span>Extra settings (JSON object)</span>
        <input
          className="mono"
          value={extra}
          aria-invalid={extraError ? true : undefined}
          placeholder='{"tokenDelayMs": 40}'
          onChange={(e) => {
            const text = e.target.value;
            setExtra(text);
            if (!text.trim()) {
              setExtraError(null);
              onChange({ ...model, extra: null });
              return;
            }
            try {
              const value: unknown = JSON.parse(text);
              if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
              setExtraError(null);
              onChange({ ...model, extra: value });
            } catch {
              setExtraError('Not a JSON object yet.');
            }
          }}
        />
      </label>
      {extraError ? <p className="wf-error-text" role="status">{extraError}</p> : null}
    </fieldset>
  );
}

function Refs({ refs }: { refs: string[] }) {
  if (refs.length === 0) return null;
  return (
    <p className="muted wf-refs">
      Can read: {refs.map((r) => <code key={r}>{`{{ ${r} }}`}</code>)}
    </p>
  );
}
