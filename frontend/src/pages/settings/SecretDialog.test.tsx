import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretDialog } from './SecretDialog';

const SECRET = 'po_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF';

function setClipboard(value: unknown) {
  Object.defineProperty(navigator, 'clipboard', { value, configurable: true });
}

describe('SecretDialog', () => {
  afterEach(() => {
    cleanup();
    setClipboard(undefined);
  });

  it('shows the secret once, says so, and copies it', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    setClipboard({ writeText });
    render(<SecretDialog name="ci" secret={SECRET} onClose={() => {}} />);
    expect(screen.getByText('you will not see it again')).toBeTruthy();
    expect((screen.getByLabelText('Secret') as HTMLInputElement).value).toBe(SECRET);
    fireEvent.click(screen.getByRole('button', { name: 'Copy', hidden: true }));
    await waitFor(() => expect(screen.getByText('Copied to the clipboard.')).toBeTruthy());
    expect(writeText).toHaveBeenCalledWith(SECRET);
  });

  it('selects the secret when there is no clipboard', async () => {
    render(<SecretDialog name="ci" secret={SECRET} onClose={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy', hidden: true }));
    await waitFor(() => expect(screen.getByText(/press Ctrl\+C/)).toBeTruthy());
    const input = screen.getByLabelText('Secret') as HTMLInputElement;
    expect(input.selectionStart).toBe(0);
    expect(input.selectionEnd).toBe(SECRET.length);
  });

  it('closes on Done', () => {
    const onClose = vi.fn();
    render(<SecretDialog name="ci" secret={SECRET} onClose={onClose} />);
    fireEvent.click(screen.getByRole('button', { name: 'Done', hidden: true }));
    expect(onClose).toHaveBeenCalled();
  });
});
