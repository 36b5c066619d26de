import { describe, expect, it } from 'vitest';
import {
  addNode,
  autoLayout,
  clientIssues,
  connect,
  emptyGraph,
  findCycle,
  fromDefinitionJson,
  issuesByNode,
  mergeIssues,
  removeNode,
  renameNode,
  serverIssues,
  toDefinitionInput,
  updateNode,
  type Graph,
} from './model';

function chain(): Graph {
  let g = emptyGraph();
  for (const k of ['a', 'b', 'c']) g = addNode(g, 'template', k).graph;
  g = g.nodes.reduce((acc, n) => updateNode(acc, n.key, { step: { kind: 'template', template: `t ${n.key}`, json: false } }), g);
  let r = connect(g, 'a', 'b');
  if (!r.ok) throw new Error(r.reason);
  r = connect(r.graph, 'b', 'c');
  if (!r.ok) throw new Error(r.reason);
  return { ...r.graph, output: '{{ nodes.c.output }}' };
}

describe('canvas model', () => {
  it('adds nodes with fresh keys, placed to the right', () => {
    let g = emptyGraph();
    const first = addNode(g, 'prompt');
    g = first.graph;
    const second = addNode(g, 'prompt');
    expect(first.key).toBe('prompt_1');
    expect(second.key).toBe('prompt_2');
    const [a, b] = second.graph.nodes;
    expect(b?.position.x).toBeGreaterThan(a?.position.x ?? 0);
    expect(b?.step).toEqual({ kind: 'prompt', promptId: '', version: null, label: null, variables: [] });
  });

  it('connects, refusing self-edges, duplicates and cycles', () => {
    const g = chain();
    expect(g.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>b', 'b>c']);
    const self = connect(g, 'a', 'a');
    expect(self.ok).toBe(false);
    expect(connect(g, 'a', 'b').ok).toBe(false);
    const cycle = connect(g, 'c', 'a');
    expect(cycle.ok).toBe(false);
    if (!cycle.ok) expect(cycle.reason).toMatch(/cycle/);
    expect(cycle.graph).toBe(g);
    expect(connect(g, 'a', 'c').ok).toBe(true);
  });

  it('finds a cycle as its path', () => {
    const edges = [
      { from: 'a', to: 'b', branch: null, onFailure: false },
      { from: 'b', to: 'c', branch: null, onFailure: false },
      { from: 'c', to: 'b', branch: null, onFailure: false },
    ];
    expect(findCycle(['a', 'b', 'c'], edges)).toEqual(['b', 'c', 'b']);
    expect(findCycle(['a', 'b', 'c'], edges.slice(0, 2))).toBeNull();
  });

  it('removes a node with its edges, and renames one along its edges', () => {
    const g = removeNode(chain(), 'b');
    expect(g.nodes.map((n) => n.key)).toEqual(['a', 'c']);
    expect(g.edges).toEqual([]);
    const renamed = renameNode(chain(), 'b', 'middle');
    expect(renamed.error).toBeNull();
    expect(renamed.graph.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>middle', 'middle>c']);
    expect(renameNode(chain(), 'b', 'c').error).toMatch(/already/);
    expect(renameNode(chain(), 'b', 'Bad Key').error).toMatch(/lowercase/);
  });

  it('lays nodes out in columns by depth', () => {
    const g = autoLayout(chain());
    const xs = g.nodes.map((n) => n.position.x);
    expect(xs[0]).toBeLessThan(xs[1] ?? 0);
    expect(xs[1]).toBeLessThan(xs[2] ?? 0);
  });

  it('turns into the definition input and round-trips through the stored JSON', () => {
    let g = chain();
    g = updateNode(g, 'a', {
      step: { kind: 'prompt', promptId: 'p1', version: null, label: 'production', variables: [{ name: 'topic', template: '{{ inputs.topic }}' }] },
      retry: { maxAttempts: 3, backoffMs: 200 },
    });
    g = updateNode(g, 'b', {
      step: { kind: 'llm', messages: [{ role: 'USER', content: 'Hi {{ nodes.a.output }}' }], model: { provider: 'MOCK', model: 'echo', temperature: null, maxTokens: null, extra: { tokenDelayMs: 40 } } },
      onFailure: { policy: 'DEFAULT', defaultOutput: 'n/a' },
    });
    g = { ...g, inputs: [{ name: 'topic', type: 'STRING', required: true, default: null }] };
    const input = toDefinitionInput(g);
    expect(input.nodes[0]).toEqual({
      key: 'a',
      step: { prompt: { promptId: 'p1', label: 'production', variables: [{ name: 'topic', template: '{{ inputs.topic }}' }] } },
      retry: { maxAttempts: 3, backoffMs: 200 },
    });
    expect(input.nodes[1]?.step).toEqual({ llm: { messages: [{ role: 'USER', content: 'Hi {{ nodes.a.output }}' }], model: { provider: 'MOCK', model: 'echo', extra: { tokenDelayMs: 40 } } } });
    expect(input.nodes[1]?.onFailure).toEqual({ policy: 'DEFAULT', defaultOutput: 'n/a' });
    expect(input.edges).toEqual([
      { from: 'a', to: 'b', onFailure: false },
      { from: 'b', to: 'c', onFailure: false },
    ]);
    expect(input.inputs).toEqual([{ name: 'topic', type: 'STRING', required: true }]);

    // The stored format, as the server exports it.
    const stored = JSON.stringify({
      inputs: [{ name: 'topic', type: 'STRING', required: true, default: null }],
      nodes: [
        { key: 'a', kind: 'prompt', promptId: 'p1', version: null, label: 'production', variables: { topic: '{{ inputs.topic }}' }, retry: { maxAttempts: 3, backoffMs: 200 }, onFailure: { policy: 'abort' } },
        { key: 'b', kind: 'llm', messages: [{ role: 'user', content: 'Hi {{ nodes.a.output }}' }], model: { provider: 'mock', model: 'echo', temperature: null, maxTokens: null, topP: null, stop: [], extra: { tokenDelayMs: 40 } }, retry: { maxAttempts: 1, backoffMs: 500 }, onFailure: { policy: 'default', output: 'n/a' } },
        { key: 'c', kind: 'template', template: 't c', json: false, retry: { maxAttempts: 1, backoffMs: 500 }, onFailure: { policy: 'abort' } },
      ],
      edges: [{ from: 'a', to: 'b', branch: null, onFailure: false }, { from: 'b', to: 'c', branch: null, onFailure: false }],
      output: '{{ nodes.c.output }}',
    });
    expect(toDefinitionInput(fromDefinitionJson(stored))).toEqual(input);
  });

  it('reports missing fields and cycles on their nodes', () => {
    let g = addNode(emptyGraph(), 'prompt', 'p').graph;
    g = addNode(g, 'condition', 'q').graph;
    g = { ...g, edges: [{ from: 'p', to: 'q', branch: null, onFailure: false }, { from: 'q', to: 'p', branch: null, onFailure: false }] };
    const issues = clientIssues(g);
    expect(issues).toContainEqual({ node: 'p', message: 'Choose a prompt.' });
    expect(issues).toContainEqual({ node: 'q', message: 'Write the expression.' });
    expect(issues.some((i) => i.node === 'p' && i.message.includes('cycle'))).toBe(true);
    expect(issues).toContainEqual({ node: null, message: 'Write the output template.' });
    expect(clientIssues(chain())).toEqual([]);
  });

  it('maps the server issues onto the nodes, merged with the client ones', () => {
    const server = serverIssues([
      { node: 'b', message: 'reads nodes.c, which is not upstream' },
      { node: null, message: 'the output template does not parse' },
      { node: 'ghost', message: 'edge to an unknown node' },
      'junk',
    ]);
    expect(server).toHaveLength(3);
    const merged = mergeIssues([{ node: 'b', message: 'Write the template.' }], [...server, { node: 'b', message: 'Write the template.' }]);
    expect(merged).toHaveLength(4);
    const byNode = issuesByNode(merged, ['a', 'b', 'c']);
    expect(byNode.get('b')).toEqual(['Write the template.', 'reads nodes.c, which is not upstream']);
    expect(byNode.get(null)).toEqual(['the output template does not parse', 'ghost: edge to an unknown node']);
    expect(byNode.get('a')).toBeUndefined();
  });
});
