/** The evaluator kinds `runEvaluation` takes, their settings, and the spec JSON built from a form. */
export type FieldKind = 'text' | 'textarea' | 'number' | 'bool' | 'list' | 'json' | 'select';

export interface FieldDef {
  key: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  options?: string[];
  /** The starting value in the form. */
  initial?: string | boolean;
}

const VALUE: FieldDef = { key: 'value', label: 'Value', kind: 'text', hint: 'blank: the expected output' };
const IGNORE_CASE: FieldDef = { key: 'ignoreCase', label: 'Ignore case', kind: 'bool' };
const THRESHOLD = (initial: string): FieldDef => ({ key: 'threshold', label: 'Threshold (0–1)', kind: 'number', initial });

export const EVALUATOR_TYPES: Record<string, { label: string; fields: FieldDef[] }> = {
  EXACT_MATCH: {
    label: 'Exact match',
    fields: [
      VALUE,
      { key: 'normalize.trim', label: 'Trim whitespace', kind: 'bool', initial: true },
      { key: 'normalize.ignoreCase', label: 'Ignore case', kind: 'bool' },
      { key: 'normalize.collapseWhitespace', label: 'Collapse whitespace', kind: 'bool' },
    ],
  },
  CONTAINS: { label: 'Contains', fields: [VALUE, IGNORE_CASE] },
  NOT_CONTAINS: { label: 'Does not contain', fields: [{ ...VALUE, hint: 'required' }, IGNORE_CASE] },
  CONTAINS_ALL: { label: 'Contains all', fields: [{ key: 'values', label: 'Values', kind: 'list', hint: 'one per line' }, IGNORE_CASE] },
  CONTAINS_ANY: { label: 'Contains any', fields: [{ key: 'values', label: 'Values', kind: 'list', hint: 'one per line' }, IGNORE_CASE] },
  STARTS_WITH: { label: 'Starts with', fields: [VALUE, IGNORE_CASE] },
  REGEX: { label: 'Regular expression', fields: [{ key: 'pattern', label: 'Pattern', kind: 'text', hint: 'Rust regex syntax' }] },
  JSON_VALID: { label: 'Valid JSON', fields: [] },
  JSON_SCHEMA: { label: 'JSON schema', fields: [{ key: 'schema', label: 'Schema', kind: 'json', initial: '{"type": "object"}' }] },
  JSON_PATH: {
    label: 'JSON path',
    fields: [
      { key: 'path', label: 'Path', kind: 'text', hint: 'a JSON pointer, e.g. /a/0/b' },
      { key: 'equals', label: 'Equals', kind: 'json', hint: 'JSON; blank: the expected output' },
    ],
  },
  SIMILARITY: {
    label: 'String similarity',
    fields: [
      { key: 'algorithm', label: 'Algorithm', kind: 'select', options: ['LEVENSHTEIN', 'JARO_WINKLER'], initial: 'LEVENSHTEIN' },
      THRESHOLD('0.8'),
      VALUE,
    ],
  },
  NUMERIC: { label: 'Numeric', fields: [{ key: 'tolerance', label: 'Tolerance', kind: 'number', initial: '0' }, VALUE] },
  EMBEDDING: {
    label: 'Embedding similarity',
    fields: [
      { key: 'provider', label: 'Provider', kind: 'text', initial: 'mock' },
      { key: 'model', label: 'Model', kind: 'text', initial: 'embed' },
      THRESHOLD('0.8'),
      VALUE,
    ],
  },
  LLM_JUDGE: {
    label: 'LLM judge',
    fields: [
      { key: 'rubric', label: 'Rubric', kind: 'textarea', hint: 'a template seeing input, output and expected' },
      { key: 'model.provider', label: 'Judge provider', kind: 'text', initial: 'mock' },
      { key: 'model.model', label: 'Judge model', kind: 'text', initial: 'echo' },
      THRESHOLD('0.5'),
    ],
  },
  LATENCY_BUDGET: { label: 'Latency budget', fields: [{ key: 'maxMs', label: 'Max milliseconds', kind: 'number', initial: '5000' }] },
  COST_BUDGET: { label: 'Cost budget', fields: [{ key: 'maxUsd', label: 'Max USD', kind: 'number', initial: '0.01' }] },
};

export type FieldValues = Record<string, string | boolean>;

export interface EvaluatorForm {
  source: 'spec' | 'saved';
  saved: string;
  type: string;
  name: string;
  values: FieldValues;
  weight: string;
  required: boolean;
  negate: boolean;
}

export function initialValues(type: string): FieldValues {
  const values: FieldValues = {};
  for (const f of EVALUATOR_TYPES[type]?.fields ?? []) values[f.key] = f.initial ?? (f.kind === 'bool' ? false : '');
  return values;
}

/** A starting name for an evaluator of a type (`exact`, `contains`, `llm-judge`…). */
export function defaultName(type: string): string {
  return type === 'EXACT_MATCH' ? 'exact' : type.toLowerCase().replace(/_/g, '-');
}

export function newEvaluator(type = 'EXACT_MATCH', name = 'exact'): EvaluatorForm {
  return { source: 'spec', saved: '', type, name, values: initialValues(type), weight: '1', required: true, negate: false };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((k) => {
    const next = node[k];
    if (typeof next !== 'object' || next === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  });
  node[keys[keys.length - 1]!] = value;
}

/** The `EvaluatorRefInput` for a form, or the problems with it. */
export function buildEvaluator(form: EvaluatorForm, label: string): { ref?: { saved: string } | { spec: Record<string, unknown> }; problems: string[] } {
  if (form.source === 'saved') {
    return form.saved ? { ref: { saved: form.saved }, problems: [] } : { problems: [`${label}: choose a saved evaluator.`] };
  }
  const problems: string[] = [];
  const def = EVALUATOR_TYPES[form.type];
  if (!def) return { problems: [`${label}: unknown type ${form.type}.`] };
  if (!form.name.trim()) problems.push(`${label}: give it a name.`);
  const spec: Record<string, unknown> = { name: form.name.trim(), type: form.type };
  for (const f of def.fields) {
    const raw = form.values[f.key];
    if (f.kind === 'bool') {
      if (typeof raw === 'boolean' && (raw || f.initial === true)) setPath(spec, f.key, raw);
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') continue;
    if (f.kind === 'number') {
      const n = Number(text);
      if (Number.isNaN(n)) problems.push(`${label}: ${f.label} is not a number.`);
      else setPath(spec, f.key, n);
    } else if (f.kind === 'list') {
      setPath(spec, f.key, text.split('\n').map((s) => s.trim()).filter(Boolean));
    } else if (f.kind === 'json') {
      try {
        setPath(spec, f.key, JSON.parse(text) as unknown);
      } catch {
        problems.push(`${label}: ${f.label} is not valid JSON.`);
      }
    } else setPath(spec, f.key, typeof raw === 'string' && f.kind === 'textarea' ? raw : text);
  }
  const weight = Number(form.weight);
  if (form.weight.trim() !== '' && form.weight.trim() !== '1') {
    if (Number.isNaN(weight) || weight < 0) problems.push(`${label}: weight must be a number of 0 or more.`);
    else spec.weight = weight;
  }
  if (!form.required) spec.required = false;
  if (form.negate) spec.negate = true;
  return problems.length > 0 ? { problems } : { ref: { spec }, problems };
}
