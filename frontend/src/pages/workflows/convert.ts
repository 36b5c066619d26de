// The canvas model to and from the API: `WorkflowDefinitionInput` (what mutations take) and
// the stored JSON (`WorkflowVersion.definitionJson`: camelCase, node kinds tagged by `kind`).
import type {
  ItemFailure,
  MessageRole,
  ModelConfigInput,
  OnFailurePolicy,
  Provider,
  WorkflowDefinitionInput,
  WorkflowInputType,
  WorkflowNodeInput,
  WorkflowStepInput,
} from '../../gql/graphql';
import type { EditorEdge, EditorNode, Graph, InnerStep, InputSpec, ModelSettings, Step } from './model';

function modelInput(m: ModelSettings): ModelConfigInput {
  return {
    provider: m.provider,
    model: m.model,
    ...(m.temperature !== null ? { temperature: m.temperature } : {}),
    ...(m.maxTokens !== null ? { maxTokens: m.maxTokens } : {}),
    ...(m.extra !== null && m.extra !== undefined ? { extra: m.extra } : {}),
  };
}

function innerInput(step: InnerStep) {
  switch (step.kind) {
    case 'prompt':
      return {
        prompt: {
          promptId: step.promptId,
          ...(step.version !== null ? { version: step.version } : {}),
          ...(step.label ? { label: step.label } : {}),
          variables: step.variables.map((v) => ({ name: v.name, template: v.template })),
        },
      };
    case 'llm':
      return { llm: { messages: step.messages.map((m) => ({ role: m.role, content: m.content })), model: modelInput(step.model) } };
    case 'template':
      return { template: { template: step.template, json: step.json } };
  }
}

export function stepInput(step: Step): WorkflowStepInput {
  switch (step.kind) {
    case 'prompt':
    case 'llm':
    case 'template':
      return innerInput(step);
    case 'condition':
      return { condition: { expression: step.expression } };
    case 'map':
      return { map: { source: step.source, concurrency: step.concurrency, step: innerInput(step.step), onItemFailure: step.onItemFailure } };
    case 'approval':
      return { approval: { instructions: step.instructions } };
  }
}

function nodeInput(n: EditorNode): WorkflowNodeInput {
  return {
    key: n.key,
    step: stepInput(n.step),
    ...(n.retry ? { retry: { maxAttempts: n.retry.maxAttempts, backoffMs: n.retry.backoffMs } } : {}),
    ...(n.onFailure
      ? { onFailure: { policy: n.onFailure.policy, ...(n.onFailure.policy === 'DEFAULT' ? { defaultOutput: n.onFailure.defaultOutput ?? '' } : {}) } }
      : {}),
    ...(n.timeoutSecs !== null ? { timeoutSecs: n.timeoutSecs } : {}),
  };
}

export function toDefinitionInput(graph: Graph): WorkflowDefinitionInput {
  return {
    inputs: graph.inputs.map((i) => ({
      name: i.name,
      type: i.type,
      required: i.required,
      ...(i.default !== null && i.default !== undefined ? { default: i.default } : {}),
    })),
    nodes: graph.nodes.map(nodeInput),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, ...(e.branch !== null ? { branch: e.branch } : {}), onFailure: e.onFailure })),
    output: graph.output,
    ...(graph.timeoutSecs !== null ? { timeoutSecs: graph.timeoutSecs } : {}),
  };
}

// ---- reading the stored JSON ----

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const PROVIDERS: Record<string, Provider> = { mock: 'MOCK', openai: 'OPENAI', anthropic: 'ANTHROPIC', 'openai-compatible': 'OPENAI_COMPATIBLE', openai_compatible: 'OPENAI_COMPATIBLE' };
const ROLES: MessageRole[] = ['SYSTEM', 'USER', 'ASSISTANT'];
const POLICIES: OnFailurePolicy[] = ['ABORT', 'CONTINUE', 'DEFAULT', 'BRANCH'];
const INPUT_TYPES: WorkflowInputType[] = ['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'JSON'];

function readModel(v: unknown): ModelSettings {
  const m = obj(v);
  const provider = str(m.provider).toLowerCase();
  const extra = m.extra;
  return {
    provider: PROVIDERS[provider] ?? (str(m.provider).toUpperCase() as Provider),
    model: str(m.model),
    temperature: num(m.temperature),
    maxTokens: num(m.maxTokens),
    extra: extra === undefined || extra === null || (typeof extra === 'object' && Object.keys(obj(extra)).length === 0 && !Array.isArray(extra)) ? null : extra,
  };
}

function readStep(s: Json): Step {
  switch (str(s.kind)) {
    case 'prompt': {
      const vars = s.variables;
      const variables = Array.isArray(vars)
        ? vars.map((b) => ({ name: str(obj(b).name), template: str(obj(b).template) }))
        : Object.entries(obj(vars)).map(([name, template]) => ({ name, template: str(template) }));
      return { kind: 'prompt', promptId: str(s.promptId), version: num(s.version), label: typeof s.label === 'string' ? s.label : null, variables };
    }
    case 'llm':
      return {
        kind: 'llm',
        messages: arr(s.messages).map((m) => {
          const role = str(obj(m).role).toUpperCase() as MessageRole;
          return { role: ROLES.includes(role) ? role : 'USER', content: str(obj(m).content) };
        }),
        model: readModel(s.model),
      };
    case 'template':
      return { kind: 'template', template: str(s.template), json: s.json === true };
    case 'condition':
      return { kind: 'condition', expression: str(s.expression) };
    case 'map': {
      const inner = readStep(obj(s.step));
      const step: InnerStep = inner.kind === 'prompt' || inner.kind === 'llm' || inner.kind === 'template' ? inner : { kind: 'template', template: '', json: false };
      const onItemFailure = str(s.onItemFailure, 'fail').toUpperCase() as ItemFailure;
      return { kind: 'map', source: str(s.source), concurrency: num(s.concurrency) ?? 4, step, onItemFailure: onItemFailure === 'SKIP' ? 'SKIP' : 'FAIL' };
    }
    default:
      return { kind: 'approval', instructions: str(s.instructions) };
  }
}

function readNode(v: unknown, index: number): EditorNode {
  const n = obj(v);
  const retry = obj(n.retry);
  const maxAttempts = num(retry.maxAttempts);
  const failure = obj(n.onFailure);
  const policy = str(failure.policy, 'abort').toUpperCase() as OnFailurePolicy;
  return {
    key: str(n.key),
    step: readStep(n),
    retry: maxAttempts !== null && maxAttempts > 1 ? { maxAttempts, backoffMs: num(retry.backoffMs) ?? 500 } : null,
    onFailure: POLICIES.includes(policy) && policy !== 'ABORT'
      ? { policy, defaultOutput: typeof failure.output === 'string' ? failure.output : typeof failure.defaultOutput === 'string' ? failure.defaultOutput : null }
      : null,
    timeoutSecs: num(n.timeoutSecs),
    position: { x: index * 260, y: 0 },
  };
}

/** A definition as `definitionJson` holds it; throws on JSON that does not parse. */
export function fromDefinitionJson(json: string): Graph {
  const d = obj(JSON.parse(json));
  const inputs: InputSpec[] = arr(d.inputs).map((v) => {
    const i = obj(v);
    const type = str(i.type, 'JSON').toUpperCase() as WorkflowInputType;
    return { name: str(i.name), type: INPUT_TYPES.includes(type) ? type : 'JSON', required: i.required !== false, default: i.default ?? null };
  });
  const edges: EditorEdge[] = arr(d.edges).map((v) => {
    const e = obj(v);
    return { from: str(e.from), to: str(e.to), branch: typeof e.branch === 'string' ? e.branch : null, onFailure: e.onFailure === true };
  });
  return { inputs, nodes: arr(d.nodes).map(readNode), edges, output: str(d.output), timeoutSecs: num(d.timeoutSecs) };
}
