import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useOrgId } from '../../lib/org';
import { when } from './format';
import { EvaluationsRunPickQuery } from './queries';

export interface Pick {
  a: string;
  b: string;
  ta: number;
  tb: number;
}

/** Two runs (or one run twice) and a target of each. */
export function ComparePicker({ initial, onPick }: { initial: Pick; onPick: (pick: Pick) => void }) {
  const orgId = useOrgId();
  const [runs] = useQuery({ query: EvaluationsRunPickQuery, variables: { orgId }, pause: !orgId });
  const [pick, setPick] = useState<Pick>(initial);
  const list = (runs.data?.evaluationRuns.nodes ?? []).filter((r) => r.status === 'FINISHED' || r.status === 'CANCELLED' || r.id === initial.a || r.id === initial.b);
  const targetsOf = (id: string) => list.find((r) => r.id === id)?.targets ?? [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pick.a && pick.b) onPick(pick);
  };
  const side = (which: 'a' | 'b') => {
    const runKey = which;
    const targetKey = which === 'a' ? 'ta' : 'tb';
    const name = which === 'a' ? 'A (baseline)' : 'B (candidate)';
    return (
      <fieldset className="ev-fieldset">
        <legend>{name}</legend>
        <label className="field">
          <span>Run {which.toUpperCase()}</span>
          <select value={pick[runKey]} onChange={(e) => setPick({ ...pick, [runKey]: e.target.value, [targetKey]: 0 })}>
            <option value="">Choose a run…</option>
            {list.map((r) => (
              <option key={r.id} value={r.id}>
                {`${r.name || r.id.slice(0, 8)} — ${when(r.createdAt)}`}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Target {which.toUpperCase()}</span>
          <select value={pick[targetKey]} onChange={(e) => setPick({ ...pick, [targetKey]: Number(e.target.value) })}>
            {(targetsOf(pick[runKey]).length > 0 ? targetsOf(pick[runKey]) : [{ index: pick[targetKey], description: `#${pick[targetKey]}` }]).map((t) => (
              <option key={t.index} value={t.index}>
                {`#${t.index} ${t.description}`}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
    );
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Choose what to compare">
      <div className="grid-2">
        {side('a')}
        {side('b')}
      </div>
      <button type="submit" className="btn btn-primary" disabled={!pick.a || !pick.b}>
        Compare
      </button>
    </form>
  );
}
