import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDraft } from './draft';
import type { ServerTemplateError } from './template';
import { VersionEditor } from './VersionEditor';

function Harness({ serverError = null }: { serverError?: ServerTemplateError | null }) {
  const [draft, setDraft] = useState(emptyDraft);
  return <VersionEditor draft={draft} onChange={setDraft} problems={{}} serverError={serverError} />;
}

afterEach(cleanup);

describe('VersionEditor', () => {
  it('detects variables as the text is typed', async () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Content of message 1'), { target: { value: 'About {{ topic }} for {{ audience }}' } });
    await waitFor(() => expect(screen.getByRole('list', { name: 'Detected variables' }).textContent).toBe('audiencetopic'));
  });

  it('shows a template error under its line', async () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Content of message 1'), { target: { value: 'ok\n{% if x %}\nyes' } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Line 2: “if” is never closed'));
    expect(screen.getByLabelText('Content of message 1').getAttribute('aria-invalid')).toBe('true');
  });

  it('places the server’s error at its message and line', () => {
    render(<Harness serverError={{ message: 1, line: 1, detail: 'syntax error: unexpected end' }} />);
    expect(screen.getByRole('alert').textContent).toContain('Line 1: syntax error: unexpected end (from the server)');
  });

  it('adds, reorders and removes messages', () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Content of message 1'), { target: { value: 'first' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add message' }));
    fireEvent.change(screen.getByLabelText('Content of message 2'), { target: { value: 'second' } });
    fireEvent.click(screen.getByRole('button', { name: 'Move message 2 up' }));
    expect((screen.getByLabelText('Content of message 1') as HTMLTextAreaElement).value).toBe('second');
    fireEvent.click(screen.getByRole('button', { name: 'Remove message 1' }));
    expect((screen.getByLabelText('Content of message 1') as HTMLTextAreaElement).value).toBe('first');
    expect(screen.queryByLabelText('Content of message 2')).toBeNull();
  });
});
