import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import { afterEach, describe, expect, it, vi } from 'vitest';
import DatasetsList from './DatasetsList';

vi.mock('../../lib/org', () => ({
  useOrg: () => ({ can: () => true }),
  useOrgId: () => 'org-1',
}));

interface Vars {
  after: string | null;
  search: string | null;
}

function page(vars: Vars) {
  const start = vars.after === null ? 0 : Number(vars.after);
  const nodes = [0, 1].map((i) => ({
    id: `d${start + i}`,
    name: `${vars.search ?? 'Dataset'} ${start + i}`,
    slug: `d${start + i}`,
    description: '',
    latestVersion: 1,
    itemCount: 3,
    updatedAt: '2026-01-01T00:00:00Z',
  }));
  return {
    datasets: { totalCount: 6, pageInfo: { hasNextPage: true, endCursor: String(start + 2) }, nodes },
  };
}

afterEach(cleanup);

describe('DatasetsList', () => {
  it('never queries a new search term with the previous page’s cursor', async () => {
    const asked: Vars[] = [];
    const client = {
      executeQuery: vi.fn((operation: { variables: Vars }) => {
        asked.push({ after: operation.variables.after, search: operation.variables.search });
        return fromValue({ operation, data: page(operation.variables), stale: false, hasNext: false });
      }),
      executeMutation: vi.fn(),
      executeSubscription: vi.fn(),
    } as unknown as Client;
    render(
      <Provider value={client}>
        <MemoryRouter>
          <DatasetsList />
        </MemoryRouter>
      </Provider>,
    );
    await screen.findByText('Dataset 0');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Dataset 2');

    fireEvent.change(screen.getByLabelText('Search datasets'), { target: { value: 'abc' } });
    await screen.findByText('abc 0');
    await waitFor(() => expect(asked).toContainEqual({ after: null, search: 'abc' }));
    expect(asked.filter((v) => v.search === 'abc' && v.after !== null)).toEqual([]);
    expect(screen.getByText(/Page 1/)).toBeTruthy();
  });
});
