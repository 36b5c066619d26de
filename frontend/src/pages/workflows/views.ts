// How a node reads on the canvas (shared by the editor and the run page).
import type { NodeView } from './Canvas';
import type { PromptChoice } from './StepFields';
import type { EditorNode, Step } from './model';

const clip = (s: string, n = 34) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function describeStep(step: Step, prompts: PromptChoice[]): string {
  switch (step.kind) {
    case 'prompt': {
      if (!step.promptId) return 'no prompt chosen';
      const name = prompts.find((p) => p.id === step.promptId)?.name ?? 'a prompt';
      return `${clip(name, 24)} @ ${step.label ?? (step.version !== null ? `v${step.version}` : 'latest')}`;
    }
    case 'llm': return `${step.model.provider.toLowerCase()} / ${step.model.model || '?'}`;
    case 'template': return clip(step.template.replace(/\s+/g, ' ')) || 'empty template';
    case 'condition': return clip(step.expression) || 'no expression';
    case 'map': return `over ${clip(step.source, 24) || '?'} (${step.step.kind})`;
    case 'approval': return 'waits for approval';
  }
}

export function nodeViews(nodes: EditorNode[], prompts: PromptChoice[], issues: Map<string | null, string[]>): Map<string, NodeView> {
  return new Map(
    nodes.map((n) => [n.key, { key: n.key, kind: n.step.kind, detail: describeStep(n.step, prompts), issues: issues.get(n.key) ?? [] }]),
  );
}
