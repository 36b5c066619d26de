import { cleanup, render, screen } from '@testing-library/react';
import { CombinedError, Provider, type Client } from 'urql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EvaluationsAggregateFieldsFragment } from '../../gql/graphql';
import { RunCharts } from './RunCharts';

afterEach(cleanup);

const node = (i: number) => ({ id: `r${i}`, targetIndex: 0, score: 1, latencyMs: 10, costUsd: 0 });

describe('RunCharts', () => {
  it('shows a failed results page and says the charts cover only part of the items', async () => {
    const query = vi.fn((_doc: unknown, vars: { after: string | null }) => ({
      toPromise: () =>
        Promise.resolve(
          vars.after === null
            ? {
                data: {
                  evaluationRun: {
                    id: 'run',
                    results: { pageInfo: { hasNextPage: true, endCursor: 'c1' }, nodes: Array.from({ length: 100 }, (_, i) => node(i)) },
                  },
                },
              }
            : {
                error: new CombinedError({
                  graphQLErrors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 5 } }],
                }),
              },
        ),
    }));
    const client = { query } as unknown as Client;
    const aggregates = [{ targetIndex: 0, completed: 250, costUsd: 0, evaluators: [] }] as unknown as EvaluationsAggregateFieldsFragment[];
    render(
      <Provider value={client}>
        <RunCharts runId="run" targets={[]} aggregates={aggregates} ended />
      </Provider>,
    );
    expect(await screen.findByText('Distributions are incomplete: based on 100 of 250 items.')).toBeTruthy();
    expect(screen.getByRole('alert').getAttribute('data-code')).toBe('RATE_LIMITED');
    expect(query).toHaveBeenCalledTimes(2);
  });
});
