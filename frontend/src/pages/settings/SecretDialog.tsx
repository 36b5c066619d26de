import { useEffect, useRef, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * A new API key's secret, shown once in a modal dialog with a Copy button. Closing it forgets
 * the secret: the parent drops it from state.
 */
export function SecretDialog({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => {
    const d = dialog.current;
    if (d && typeof d.showModal === 'function' && !d.open) d.showModal();
    return () => {
      if (d?.open && typeof d.close === 'function') d.close();
    };
  }, []);

  const selectSecret = () => {
    field.current?.focus();
    field.current?.select();
  };
  const onCopy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      // No clipboard (insecure context, permission refused): select it for the reader to copy.
      selectSecret();
      setCopy('manual');
    }
  };

  return (
    <dialog
      ref={dialog}
      className="settings-dialog"
      aria-labelledby="secret-title"
      aria-describedby="secret-warning"
      // Escape closes the dialog: forget the secret too.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="secret-title">API key “{name}” created</h2>
      <p id="secret-warning" className="settings-warn">
        Copy the secret now: <strong>you will not see it again</strong>. Only its first characters are kept to
        recognise it.
      </p>
      <label className="field">
        <span>Secret</span>
        <input
          ref={field}
          className="mono"
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          data-testid="api-key-secret"
        />
      </label>
      <div className="row">
        <button type="button" className="btn btn-primary" onClick={() => void onCopy()}>
          Copy
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Done
        </button>
        <span role="status" className="settings-notice">
          {copy === 'copied' ? 'Copied to the clipboard.' : copy === 'manual' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
        </span>
      </div>
    </dialog>
  );
}
