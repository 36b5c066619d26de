import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { useOrg, useOrgId } from '../../lib/org';
import { EvaluatorEditor } from './EvaluatorEditor';
import { buildEvaluator, newEvaluator, type EvaluatorForm } from './evaluatorSpec';
import { EvaluationsDatasetNamesQuery, EvaluationsRunMutation, EvaluationsTargetsQuery } from './queries';
import { TargetPicker, targetInput, type TargetForm } from './TargetPicker';
import { mappingInput, mappingProblems, VariableMapping, type MappingRow } from './VariableMapping';

const blankTarget = (): TargetForm => ({ kind: 'prompt', id: '', pick: '' });

/** `/evaluations/new`: dataset (and version), targets, evaluators, concurrency → `runEvaluation`. */
export default function NewEvaluation() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canRun = can('evaluation:execute');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [datasets] = useQuery({ query: EvaluationsDatasetNamesQuery, variables: { orgId, first: 100 }, pause: !orgId });
  const [options] = useQuery({ query: EvaluationsTargetsQuery, variables: { orgId }, pause: !orgId });
  const [name, setName] = useState('');
  const [datasetId, setDatasetId] = useState(params.get('dataset') ?? '');
  const [datasetVersion, setDatasetVersion] = useState('');
  const [targets, setTargets] = useState<TargetForm[]>([blankTarget()]);
  const [evaluators, setEvaluators] = useState<EvaluatorForm[]>([newEvaluator()]);
  const [threshold, setThreshold] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const [useCache, setUseCache] = useState(true);
  const [mapping, setMapping] = useState<MappingRow[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [state, run] = useMutation(EvaluationsRunMutation);

  const dataset = datasets.data?.datasets.nodes.find((d) => d.id === datasetId);
  const prompts = options.data?.prompts.nodes ?? [];
  const workflows = options.data?.workflows.nodes ?? [];
  const saved = options.data?.evaluators ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: string[] = [];
    if (!datasetId) found.push('Choose a dataset.');
    targets.forEach((t, i) => {
      if (!t.id) found.push(`Target ${i + 1}: choose a ${t.kind}.`);
    });
    const refs = evaluators.map((e, i) => buildEvaluator(e, `Evaluator ${i + 1}`));
    refs.forEach((r) => found.push(...r.problems));
    const names = evaluators.filter((e) => e.source === 'spec').map((e) => e.name.trim());
    const twice = names.filter((n, i) => n && names.indexOf(n) !== i);
    if (twice.length > 0) found.push(`Evaluator names must differ: “${twice[0]}” is used twice.`);
    found.push(...mappingProblems(mapping));
    const conc = Number(concurrency);
    if (!Number.isInteger(conc) || conc < 1 || conc > 64) found.push('Concurrency is a whole number from 1 to 64.');
    const thr = threshold.trim() === '' ? null : Number(threshold);
    if (thr !== null && (Number.isNaN(thr) || thr < 0 || thr > 1)) found.push('The threshold is a number from 0 to 1.');
    setProblems(found);
    if (found.length > 0) return;
    const res = await run({
      input: {
        datasetId,
        ...(datasetVersion ? { datasetVersion: Number(datasetVersion) } : {}),
        name: name.trim() || null,
        targets: targets.map(targetInput),
        mapping: mappingInput(mapping),
        evaluators: refs.flatMap((r) => (r.ref ? [r.ref] : [])),
        threshold: thr,
        concurrency: conc,
        useCache,
      },
    });
    if (res.data) navigate(`/evaluations/${res.data.runEvaluation.id}`);
  };

  return (
    <>
      <p className="muted ds-crumbs">
        <Link to="/evaluations">Evaluations</Link> / new
      </p>
      <PageHeader title="New evaluation">
        <p className="muted">Every item of the dataset version × every target, scored by every evaluator.</p>
      </PageHeader>
      <QueryState fetching={datasets.fetching || options.fetching} error={datasets.error ?? options.error} hasData={!!datasets.data && !!options.data}>
        <form onSubmit={submit} className="ev-form">
          <section className="card" aria-labelledby="ev-what">
            <h2 id="ev-what">Dataset</h2>
            <div className="row ev-wrap">
              <label className="field">
                <span>Run name</span>
                <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. staging vs production" />
              </label>
              <label className="field">
                <span>Dataset</span>
                <select
                  value={datasetId}
                  onChange={(e) => {
                    setDatasetId(e.target.value);
                    setDatasetVersion('');
                  }}
                >
                  <option value="">Choose…</option>
                  {(datasets.data?.datasets.nodes ?? []).map((d) => (
                    <option key={d.id} value={d.id}>
                      {`${d.name} (${d.itemCount} items)`}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>Dataset version</span>
                <select value={datasetVersion} onChange={(e) => setDatasetVersion(e.target.value)} disabled={!dataset}>
                  <option value="">Latest{dataset ? ` (v${dataset.latestVersion})` : ''}</option>
                  {Array.from({ length: dataset?.latestVersion ?? 0 }, (_, i) => (dataset?.latestVersion ?? 0) - i).map((v) => (
                    <option key={v} value={v}>{`v${v}`}</option>
                  ))}
                </select>
              </label>
            </div>
          </section>

          <section className="card" aria-labelledby="ev-targets">
            <h2 id="ev-targets">Targets</h2>
            <p className="muted">Several targets make a matrix: they are compared on identical items in one run.</p>
            {targets.map((t, i) => (
              <TargetPicker
                key={i}
                index={i}
                form={t}
                prompts={prompts}
                workflows={workflows}
                onChange={(next) => setTargets(targets.map((x, j) => (j === i ? next : x)))}
                {...(targets.length > 1 ? { onRemove: () => setTargets(targets.filter((_, j) => j !== i)) } : {})}
              />
            ))}
            <button type="button" className="btn btn-small" onClick={() => setTargets([...targets, blankTarget()])} disabled={targets.length >= 10}>
              Add target
            </button>
          </section>

          <section className="card" aria-labelledby="ev-evaluators">
            <h2 id="ev-evaluators">Evaluators</h2>
            {evaluators.map((e, i) => (
              <EvaluatorEditor
                key={i}
                index={i}
                form={e}
                saved={saved}
                onChange={(next) => setEvaluators(evaluators.map((x, j) => (j === i ? next : x)))}
                {...(evaluators.length > 1 ? { onRemove: () => setEvaluators(evaluators.filter((_, j) => j !== i)) } : {})}
              />
            ))}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setEvaluators([...evaluators, newEvaluator('CONTAINS', 'contains')])}
              disabled={evaluators.length >= 20}
            >
              Add evaluator
            </button>
          </section>

          <section className="card" aria-labelledby="ev-settings">
            <h2 id="ev-settings">Settings</h2>
            <div className="row ev-wrap">
              <label className="field">
                <span>
                  Concurrency <span className="hint">(items in flight, 1–64)</span>
                </span>
                <input inputMode="numeric" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
              </label>
              <label className="field">
                <span>
                  Pass threshold <span className="hint">(blank: every required evaluator passes)</span>
                </span>
                <input inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
              </label>
              <label className="row">
                <input type="checkbox" checked={useCache} onChange={(e) => setUseCache(e.target.checked)} />
                Use the response cache
              </label>
            </div>
            <VariableMapping rows={mapping} onChange={setMapping} />
          </section>

          {problems.length > 0 ? (
            <ul className="state error" role="alert">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
          {state.error ? <ErrorView error={state.error} /> : null}
          <button type="submit" className="btn btn-primary" disabled={!canRun || state.fetching} title={permissionTitle(canRun, 'run evaluations')}>
            {state.fetching ? 'Starting…' : 'Run evaluation'}
          </button>
        </form>
      </QueryState>
    </>
  );
}
