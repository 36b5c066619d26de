import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ErrorView } from '../../components/states';
import { isObject, parseJson, pretty } from './json';
import { DatasetsAddItemsMutation, DatasetsUpdateItemMutation } from './queries';

export interface EditableItem {
  id: string;
  inputs: unknown;
  expected: unknown;
  metadata: unknown;
}

/** Adds an item, or edits one (`item` given): inputs and metadata as JSON objects, expected as text or JSON. */
export function ItemEditor({ datasetId, item, onDone }: { datasetId: string; item?: EditableItem; onDone: () => void }) {
  const [inputs, setInputs] = useState(item ? pretty(item.inputs) : '{\n  \n}');
  const initialExpected = item?.expected;
  const [expectedJson, setExpectedJson] = useState(initialExpected !== undefined && initialExpected !== null && typeof initialExpected !== 'string');
  const [expected, setExpected] = useState(
    initialExpected === undefined || initialExpected === null ? '' : typeof initialExpected === 'string' ? initialExpected : pretty(initialExpected),
  );
  const [metadata, setMetadata] = useState(item ? pretty(item.metadata) : '{}');
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [added, add] = useMutation(DatasetsAddItemsMutation);
  const [updated, update] = useMutation(DatasetsUpdateItemMutation);
  const state = item ? updated : added;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const inp = parseJson(inputs, 'Inputs', {});
    const meta = parseJson(metadata, 'Metadata', {});
    let exp: unknown = null;
    if (expected.trim() !== '') {
      if (expectedJson) {
        const parsed = parseJson(expected, 'Expected output');
        if (parsed.error) return setProblem(parsed.error);
        exp = parsed.value;
      } else exp = expected;
    }
    const error = inp.error ?? meta.error ?? (!isObject(inp.value) ? 'Inputs must be a JSON object.' : !isObject(meta.value) ? 'Metadata must be a JSON object.' : null);
    if (error) return setProblem(error);
    setProblem(null);
    const msg = message.trim() || null;
    const res = item
      ? await update({ datasetId, input: { itemId: item.id, inputs: inp.value, expected: exp, metadata: meta.value, message: msg } })
      : await add({ datasetId, input: { items: [{ inputs: inp.value, expected: exp, metadata: meta.value }], message: msg } });
    if (!res.error) onDone();
  };

  const title = item ? 'Edit item' : 'Add item';
  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <div className="grid-2">
        <label className="field">
          <span>
            Inputs <span className="hint">(a JSON object: the target’s variables)</span>
          </span>
          <textarea value={inputs} onChange={(e) => setInputs(e.target.value)} rows={5} />
        </label>
        <label className="field">
          <span>
            Metadata <span className="hint">(a JSON object)</span>
          </span>
          <textarea value={metadata} onChange={(e) => setMetadata(e.target.value)} rows={5} />
        </label>
      </div>
      <label className="field">
        <span>
          Expected output <span className="hint">(blank: none)</span>
        </span>
        <textarea value={expected} onChange={(e) => setExpected(e.target.value)} rows={3} />
      </label>
      <label className="row ds-check">
        <input type="checkbox" checked={expectedJson} onChange={(e) => setExpectedJson(e.target.checked)} />
        Expected output is JSON
      </label>
      <label className="field">
        <span>Change message</span>
        <input value={message} onChange={(e) => setMessage(e.target.value)} />
      </label>
      {problem ? (
        <p className="state error" role="alert">
          {problem}
        </p>
      ) : null}
      {state.error ? <ErrorView error={state.error} /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={state.fetching}>
          {item ? 'Save item' : 'Add item'}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
