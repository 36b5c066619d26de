import { useCallback, useRef } from 'react';

/**
 * Focus for an inline confirm flow ("Revoke" → "Confirm …" / "Cancel"): the Confirm button
 * takes focus when it appears (`focusOnMount`, a stable ref callback so it runs once per
 * mount), and Cancel (or a failed confirm) hands focus back to the row's original button
 * (`returnTo(id)` before the swap, `refFor(id)` on that button).
 */
export function useConfirmFocus() {
  const pending = useRef<string | null>(null);
  const focusOnMount = useCallback((el: HTMLButtonElement | null) => {
    el?.focus();
  }, []);
  const returnTo = useCallback((id: string) => {
    pending.current = id;
  }, []);
  const refFor = (id: string) => (el: HTMLButtonElement | null) => {
    if (el && pending.current === id) {
      pending.current = null;
      el.focus();
    }
  };
  return { focusOnMount, returnTo, refFor };
}
