import { toastBoxes } from './chrome.js';
import { Floating } from './Floating.js';
import { MAX_TOASTS, type ToastItem } from './store.js';

/** Up to three toasts, bottom-right of the body. */
export function Toasts({ toasts, cols, rows }: { toasts: readonly ToastItem[]; cols: number; rows: number }) {
  return (
    <>
      {toastBoxes(toasts, cols, rows, MAX_TOASTS).map((b, i) => (
        <Floating key={i} box={b} />
      ))}
    </>
  );
}
