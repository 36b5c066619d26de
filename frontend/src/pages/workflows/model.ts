// The canvas model: a workflow definition being edited, as pure functions (no React).
// Nodes keep a canvas position besides what the API's definition holds.
import type {
  ItemFailure,
  MessageRole,
  OnFailurePolicy,
  Provider,
  WorkflowDefinitionInput,
  WorkflowInputType,
  WorkflowNodeInput,
  WorkflowStepInput,
} from '../../gql/graphql';

export type NodeKind = 'prompt' | 'llm' | 'template' | 'condition' | 'map' | 'approval';
export const NODE_KINDS: NodeKind[] = ['prompt', 'llm', 'template', 'condition', 'map', 'approval'];

export interface Binding { name: string; template: string }
export interface Message { role: MessageRole; content: string }
export interface ModelSettings {
  provider: Provider;
  model: string;
  temperature: number | null;
  maxTokens: number | null;
  /** Provider-specific settings (a JSON object), or null. */
  extra: unknown;
}
export interface PromptStep { kind: 'prompt'; promptId: string; version: number | null; label: string | null; variables: Binding[] }
export interface LlmStep { kind: 'llm'; messages: Message[]; model: ModelSettings }
export interface TemplateStep { kind: 'template'; template: string; json: boolean }
export interface ConditionStep { kind: 'condition'; expression: string }
export type InnerStep = PromptStep | LlmStep | TemplateStep;
export interface MapStep { kind: 'map'; source: string; concurrency: number; step: InnerStep; onItemFailure: ItemFailure }
export interface ApprovalStep { kind: 'approval'; instructions: string }
export type Step = PromptStep | LlmStep | TemplateStep | ConditionStep | MapStep | ApprovalStep;

export interface Position { x: number; y: number }
export interface EditorNode {
  key: string;
  step: Step;
  retry: { maxAttempts: number; backoffMs: number } | null;
  onFailure: { policy: OnFailurePolicy; defaultOutput: string | null } | null;
  timeoutSecs: number | null;
  position: Position;
}
export interface EditorEdge { from: string; to: string; branch: string | null; onFailure: boolean }
export interface InputSpec { name: string; type: WorkflowInputType; required: boolean; default: unknown }
export interface Graph {
  inputs: InputSpec[];
  nodes: EditorNode[];
  edges: EditorEdge[];
  output: string;
  timeoutSecs: number | null;
}
export interface Issue { node: string | null; message: string }

export const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
const GAP_X = 260;
const GAP_Y = 130;

export function emptyGraph(): Graph {
  return { inputs: [], nodes: [], edges: [], output: '', timeoutSecs: null };
}

export function defaultModel(): ModelSettings {
  return { provider: 'MOCK', model: 'echo', temperature: null, maxTokens: null, extra: null };
}

export function defaultStep(kind: NodeKind): Step {
  switch (kind) {
    case 'prompt': return { kind, promptId: '', version: null, label: null, variables: [] };
    case 'llm': return { kind, messages: [{ role: 'USER', content: '' }], model: defaultModel() };
    case 'template': return { kind, template: '', json: false };
    case 'condition': return { kind, expression: '' };
    case 'map': return { kind, source: '', concurrency: 4, step: { kind: 'template', template: '{{ item }}', json: false }, onItemFailure: 'FAIL' };
    case 'approval': return { kind, instructions: '' };
  }
}

/** The first free key `<kind>_<n>`. */
export function nextKey(graph: Graph, kind: NodeKind): string {
  const taken = new Set(graph.nodes.map((n) => n.key));
  for (let i = 1; ; i += 1) if (!taken.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

/** Where a new node goes: right of the rightmost node, level with the last one added. */
export function placeNew(graph: Graph): Position {
  if (graph.nodes.length === 0) return { x: 0, y: 0 };
  const maxX = Math.max(...graph.nodes.map((n) => n.position.x));
  const last = graph.nodes[graph.nodes.length - 1];
  return { x: maxX + GAP_X, y: last ? last.position.y : 0 };
}

export function addNode(graph: Graph, kind: NodeKind, key = nextKey(graph, kind)): { graph: Graph; key: string } {
  const node: EditorNode = { key, step: defaultStep(kind), retry: null, onFailure: null, timeoutSecs: null, position: placeNew(graph) };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, key };
}

export function updateNode(graph: Graph, key: string, patch: Partial<Omit<EditorNode, 'key'>>): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.key === key ? { ...n, ...patch } : n)) };
}

/** Renames a node and its edges; refused (unchanged graph, with a reason) for a bad or taken key. */
export function renameNode(graph: Graph, key: string, next: string): { graph: Graph; error: string | null } {
  if (key === next) return { graph, error: null };
  if (!KEY_PATTERN.test(next)) return { graph, error: 'A key is a lowercase letter, then letters, digits or _.' };
  if (graph.nodes.some((n) => n.key === next)) return { graph, error: `There is already a node "${next}".` };
  const swap = (k: string) => (k === key ? next : k);
  return {
    graph: {
      ...graph,
      nodes: graph.nodes.map((n) => (n.key === key ? { ...n, key: next } : n)),
      edges: graph.edges.map((e) => ({ ...e, from: swap(e.from), to: swap(e.to) })),
    },
    error: null,
  };
}

export function removeNode(graph: Graph, key: string): Graph {
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => n.key !== key),
    edges: graph.edges.filter((e) => e.from !== key && e.to !== key),
  };
}

/** Whether `to` can be reached from `from` along the edges. */
export function reaches(edges: EditorEdge[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const at = stack.pop() as string;
    if (at === to) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const e of edges) if (e.from === at) stack.push(e.to);
  }
  return false;
}

export type ConnectResult = { ok: true; graph: Graph } | { ok: false; graph: Graph; reason: string };

/** Adds the edge from → to, unless it is a self-edge, a duplicate, to an unknown node, or makes a cycle. */
export function connect(graph: Graph, from: string, to: string): ConnectResult {
  if (from === to) return { ok: false, graph, reason: 'A node cannot depend on itself.' };
  const keys = new Set(graph.nodes.map((n) => n.key));
  if (!keys.has(from) || !keys.has(to)) return { ok: false, graph, reason: 'Both nodes must exist.' };
  if (graph.edges.some((e) => e.from === from && e.to === to)) return { ok: false, graph, reason: `${to} already depends on ${from}.` };
  if (reaches(graph.edges, to, from)) return { ok: false, graph, reason: `That would make a cycle: ${from} already depends on ${to}.` };
  return { ok: true, graph: { ...graph, edges: [...graph.edges, { from, to, branch: null, onFailure: false }] } };
}

export function disconnect(graph: Graph, from: string, to: string): Graph {
  return { ...graph, edges: graph.edges.filter((e) => !(e.from === from && e.to === to)) };
}

export function updateEdge(graph: Graph, from: string, to: string, patch: Partial<Pick<EditorEdge, 'branch' | 'onFailure'>>): Graph {
  return { ...graph, edges: graph.edges.map((e) => (e.from === from && e.to === to ? { ...e, ...patch } : e)) };
}

export function parentsOf(graph: Graph, key: string): string[] {
  return graph.edges.filter((e) => e.to === key).map((e) => e.from);
}

/** Every node `key` depends on, directly or not. */
export function ancestorsOf(graph: Graph, key: string): string[] {
  return graph.nodes.map((n) => n.key).filter((k) => k !== key && reaches(graph.edges, k, key));
}

/** A cycle as its path (first key repeated at the end), or null. */
export function findCycle(nodes: string[], edges: EditorEdge[]): string[] | null {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (key: string): string[] | null => {
    state.set(key, 1);
    path.push(key);
    for (const e of edges) {
      if (e.from !== key) continue;
      const s = state.get(e.to);
      if (s === 1) return [...path.slice(path.indexOf(e.to)), e.to];
      if (s === undefined) {
        const found = visit(e.to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(key, 2);
    return null;
  };
  for (const key of nodes) {
    if (state.has(key)) continue;
    const found = visit(key);
    if (found) return found;
  }
  return null;
}

/** Layered layout: each node's column is its longest path from a root, rows in definition order. */
export function autoLayout(graph: Graph): Graph {
  const depth = new Map<string, number>();
  const depthOf = (key: string, guard: Set<string>): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    if (guard.has(key)) return 0;
    guard.add(key);
    const parents = parentsOf(graph, key);
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depthOf(p, guard)));
    guard.delete(key);
    depth.set(key, d);
    return d;
  };
  const rows = new Map<number, number>();
  const nodes = graph.nodes.map((n) => {
    const d = depthOf(n.key, new Set());
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    return { ...n, position: { x: d * GAP_X, y: row * GAP_Y } };
  });
  return { ...graph, nodes };
}

function missingStepFields(step: Step): string[] {
  switch (step.kind) {
    case 'prompt': {
      const out = step.promptId ? [] : ['Choose a prompt.'];
      if (step.variables.some((v) => !v.name.trim())) out.push('Every variable needs a name.');
      return out;
    }
    case 'llm':
      return [
        ...(step.messages.length === 0 || step.messages.every((m) => !m.content.trim()) ? ['Write at least one message.'] : []),
        ...(step.model.model.trim() ? [] : ['Choose a model.']),
      ];
    case 'template': return step.template.trim() ? [] : ['Write the template.'];
    case 'condition': return step.expression.trim() ? [] : ['Write the expression.'];
    case 'map':
      return [...(step.source.trim() ? [] : ['Give the array source.']), ...missingStepFields(step.step).map((m) => `Inner step: ${m}`)];
    case 'approval': return [];
  }
}

/** What the client can tell before asking the server: keys, required fields, cycles, the output. */
export function clientIssues(graph: Graph): Issue[] {
  const issues: Issue[] = [];
  if (graph.nodes.length === 0) issues.push({ node: null, message: 'Add at least one node.' });
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    if (!KEY_PATTERN.test(n.key)) issues.push({ node: n.key, message: 'The key must be a lowercase letter, then letters, digits or _.' });
    if (seen.has(n.key)) issues.push({ node: n.key, message: 'Two nodes have this key.' });
    seen.add(n.key);
    for (const message of missingStepFields(n.step)) issues.push({ node: n.key, message });
    if (n.onFailure?.policy === 'DEFAULT' && !n.onFailure.defaultOutput) issues.push({ node: n.key, message: 'Give the default output.' });
  }
  const cycle = findCycle(graph.nodes.map((n) => n.key), graph.edges);
  if (cycle) for (const key of new Set(cycle)) issues.push({ node: key, message: `In a cycle: ${cycle.join(' → ')}` });
  if (!graph.output.trim()) issues.push({ node: null, message: 'Write the output template.' });
  return issues;
}

/** Whether the API can parse the definition at all (a prompt node without a prompt id cannot). */
export function sendable(graph: Graph): boolean {
  return graph.nodes.every((n) => {
    const step = n.step.kind === 'map' ? n.step.step : n.step;
    return step.kind !== 'prompt' || step.promptId !== '';
  });
}

/** Client and server issues together, each once. */
export function mergeIssues(client: Issue[], server: Issue[]): Issue[] {
  const seen = new Set<string>();
  return [...client, ...server].filter((i) => {
    const id = `${i.node ?? ''}\u0000${i.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Issues by node key; those of no (known) node under `null`. */
export function issuesByNode(issues: Issue[], keys: string[]): Map<string | null, string[]> {
  const known = new Set(keys);
  const out = new Map<string | null, string[]>();
  for (const i of issues) {
    const k = i.node !== null && known.has(i.node) ? i.node : null;
    const message = i.node !== null && !known.has(i.node) ? `${i.node}: ${i.message}` : i.message;
    out.set(k, [...(out.get(k) ?? []), message]);
  }
  return out;
}

/** A server error's `extensions.issues` (`[{node, message}]`) as issues. */
export function serverIssues(value: unknown): Issue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const r = item as Record<string, unknown>;
    if (typeof r.message !== 'string') return [];
    return [{ node: typeof r.node === 'string' ? r.node : null, message: r.message }];
  });
}

export { toDefinitionInput, fromDefinitionJson, stepInput } from './convert';
export type { WorkflowDefinitionInput, WorkflowNodeInput, WorkflowStepInput };
