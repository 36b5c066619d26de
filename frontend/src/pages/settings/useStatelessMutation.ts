import { useCallback, useRef, useState } from 'react';
import { useClient, type AnyVariables, type CombinedError, type OperationResult, type TypedDocumentNode } from 'urql';

/**
 * A mutation whose variables or result hold a secret: unlike `useMutation`, nothing of the
 * operation (its variables, its data) is kept in React state — only whether it is running and
 * its error. The caller takes what it displays from the returned result and drops the rest.
 */
export function useStatelessMutation<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
): [{ fetching: boolean; error: CombinedError | undefined }, (variables: Variables) => Promise<OperationResult<Data, Variables>>] {
  const client = useClient();
  const [fetching, setFetching] = useState(false);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const running = useRef(0);
  const run = useCallback(
    async (variables: Variables) => {
      running.current += 1;
      setFetching(true);
      setError(undefined);
      try {
        const result = await client.mutation(document, variables).toPromise();
        setError(result.error);
        return result;
      } finally {
        running.current -= 1;
        if (running.current === 0) setFetching(false);
      }
    },
    [client, document],
  );
  return [{ fetching, error }, run];
}
