// Asks the server to validate the definition being edited, debounced.
import { useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import { problemOf, type Problem } from '../../lib/errors';
import { toDefinitionInput, type Graph, type Issue } from './model';
import { WorkflowsValidateQuery } from './operations';

export interface Validation {
  checking: boolean;
  issues: Issue[];
  problem: Problem | null;
}

export function useValidation(orgId: string, graph: Graph, enabled: boolean, delayMs = 500): Validation {
  const client = useClient();
  const [state, setState] = useState<Validation>({ checking: false, issues: [], problem: null });
  // Only the definition matters (not where nodes sit on the canvas).
  const definition = useMemo(() => JSON.stringify(toDefinitionInput(graph)), [graph]);
  const empty = graph.nodes.length === 0;
  useEffect(() => {
    if (!enabled || !orgId || empty) {
      setState({ checking: false, issues: [], problem: null });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      client
        .query(WorkflowsValidateQuery, { orgId, definition: JSON.parse(definition) as ReturnType<typeof toDefinitionInput> }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (!live) return;
          if (result.error) {
            const problem = problemOf(result.error);
            setState({ checking: false, issues: problem.issues.map((i) => ({ node: i.node ?? null, message: i.message })), problem });
          } else {
            setState({ checking: false, issues: result.data?.validateWorkflow.issues ?? [], problem: null });
          }
        });
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, orgId, definition, empty, enabled, delayMs]);
  return state;
}
