import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Members from './Members';

vi.mock('../../lib/org', () => ({
  useOrg: () => ({ can: () => true, me: { id: 'u-owner' }, reload: () => {} }),
  useOrgId: () => 'org-1',
}));
vi.mock('./useRoles', () => ({ useRoles: () => ({ names: ['owner', 'viewer'] }) }));
vi.mock('./Invites', () => ({ Invites: () => null }));

const member = (id: string, name: string, role: string) => ({
  role,
  joinedAt: '2026-01-01T00:00:00Z',
  user: { __typename: 'User', id, name, email: `${id}@example.com` },
});

afterEach(cleanup);

describe('Members: removing keeps the keyboard focus', () => {
  it('focuses Confirm, returns to Remove on Cancel, and the heading after removing', async () => {
    const client = {
      executeQuery: vi.fn((operation: unknown) =>
        fromValue({
          operation,
          data: { members: [member('u-owner', 'Olga Owner', 'owner'), member('u-vera', 'Vera Viewer', 'viewer')] },
          stale: false,
          hasNext: false,
        }),
      ),
      executeMutation: vi.fn((operation: unknown) => fromValue({ operation, data: { removeMember: true }, stale: false, hasNext: false })),
      executeSubscription: vi.fn(),
    } as unknown as Client;
    render(
      <Provider value={client}>
        <Members />
      </Provider>,
    );
    const remove = await screen.findByRole('button', { name: 'Remove Vera Viewer' });
    fireEvent.click(remove);
    const confirm = screen.getByRole('button', { name: 'Confirm removing Vera Viewer' });
    expect(document.activeElement).toBe(confirm);

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove Vera Viewer' }));

    fireEvent.click(screen.getByRole('button', { name: 'Remove Vera Viewer' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Confirm removing Vera Viewer' }));
    });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Vera Viewer was removed.'));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Members' }));
  });
});
