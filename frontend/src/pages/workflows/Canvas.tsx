// The DAG drawn with @xyflow/react: editable (drag, connect between handles, delete with the
// keyboard) or read-only (a run's nodes coloured by state, with the state as text too).
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useReactFlow,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import type { EditorEdge, EditorNode } from './model';
import { badgeClass, statusLabel } from './runEvents';
import { pickSelection } from './selection';

export interface NodeView {
  key: string;
  kind: string;
  detail: string;
  issues: string[];
  /** A run's node state (read-only canvas). */
  status?: string;
  attempt?: number;
}

type FlowNode = Node<{ view: NodeView }, 'wf'>;

function WfNode({ data, selected }: NodeProps<FlowNode>) {
  const { view } = data;
  const state = view.status ? ` wf-node-state-${view.status}` : '';
  return (
    <div className={`wf-node${selected ? ' wf-node-selected' : ''}${view.issues.length ? ' wf-node-invalid' : ''}${state}`} data-node-key={view.key}>
      <Handle type="target" position={Position.Left} />
      <div className="wf-node-head">
        <strong className="mono">{view.key}</strong>
        <span className="wf-node-kind">{view.kind}</span>
      </div>
      {view.detail ? <div className="wf-node-detail">{view.detail}</div> : null}
      {view.status ? (
        <span className={`${badgeClass(view.status)} wf-node-status`} data-testid={`node-status-${view.key}`}>
          {statusLabel(view.status)}
          {view.attempt && view.attempt > 1 ? ` · attempt ${view.attempt}` : ''}
        </span>
      ) : null}
      {view.issues.length > 0 ? (
        <span className="wf-node-badge" role="note" title={view.issues.join('\n')}>
          ⚠ {view.issues.length === 1 ? view.issues[0] : `${view.issues.length} problems: ${view.issues[0]}`}
        </span>
      ) : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { wf: WfNode };

export interface CanvasProps {
  nodes: EditorNode[];
  edges: EditorEdge[];
  views: Map<string, NodeView>;
  selected: string | null;
  onSelect: (key: string | null) => void;
  readOnly?: boolean;
  onMove?: (key: string, x: number, y: number) => void;
  onConnect?: (from: string, to: string) => void;
  onRemoveNode?: (key: string) => void;
  onRemoveEdge?: (from: string, to: string) => void;
  label: string;
}

export function Canvas(props: CanvasProps) {
  const { nodes, edges, views, selected, onSelect, readOnly } = props;
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);

  const flowNodes = useMemo<FlowNode[]>(
    () =>
      nodes.map((n) => ({
        id: n.key,
        type: 'wf',
        position: n.position,
        selected: n.key === selected,
        data: { view: views.get(n.key) ?? { key: n.key, kind: n.step.kind, detail: '', issues: [] } },
        ...(measured[n.key] ? { measured: measured[n.key] } : {}),
        ariaLabel: `Node ${n.key}`,
      })),
    [nodes, views, selected, measured],
  );
  const flowEdges = useMemo<Edge[]>(
    () =>
      edges.map((e) => {
        const id = `${e.from}->${e.to}`;
        const status = views.get(e.to)?.status;
        return {
          id,
          source: e.from,
          target: e.to,
          selected: id === selectedEdge,
          animated: status === 'EXECUTING',
          markerEnd: { type: MarkerType.ArrowClosed },
          ...(e.branch !== null ? { label: e.branch } : e.onFailure ? { label: 'on failure' } : {}),
          ariaLabel: `Edge from ${e.from} to ${e.to}`,
        };
      }),
    [edges, selectedEdge, views],
  );

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    const picked = pickSelection(changes.flatMap((c) => (c.type === 'select' ? [c] : [])), selected);
    if (picked !== undefined) onSelect(picked);
    for (const c of changes) {
      if (c.type === 'dimensions' && c.dimensions) {
        const dims = c.dimensions;
        setMeasured((m) => ({ ...m, [c.id]: dims }));
      } else if (c.type === 'position' && c.position && !readOnly) {
        props.onMove?.(c.id, c.position.x, c.position.y);
      } else if (c.type === 'remove' && !readOnly) {
        props.onRemoveNode?.(c.id);
      }
    }
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    const picked = pickSelection(changes.flatMap((c) => (c.type === 'select' ? [c] : [])), selectedEdge);
    if (picked !== undefined) setSelectedEdge(picked);
    for (const c of changes) {
      if (c.type === 'remove' && !readOnly) {
        const [from, to] = c.id.split('->');
        if (from && to) props.onRemoveEdge?.(from, to);
      }
    }
  };

  return (
    <div className="wf-canvas" role="region" aria-label={props.label}>
      <ReactFlow<FlowNode, Edge>
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c) => c.source && c.target && props.onConnect?.(c.source, c.target)}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        onPaneClick={() => onSelect(null)}
        fitView
        fitViewOptions={{ padding: 0.25, maxZoom: 1.1 }}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
        <FitOnCount count={nodes.length} />
      </ReactFlow>
    </div>
  );
}

/** Fits the view again when nodes are added or removed (so a new node is on screen). */
function FitOnCount({ count }: { count: number }) {
  const flow = useReactFlow();
  useEffect(() => {
    const timer = setTimeout(() => void flow.fitView({ padding: 0.25, maxZoom: 1.1, duration: 150 }), 50);
    return () => clearTimeout(timer);
  }, [count, flow]);
  return null;
}
