import { createRequire } from 'node:module';

/**
 * V8's profiler budget for the TUI: roughly how much bytecode a function runs before V8 considers
 * optimizing it (V8's default is 67,584). A client's frames run a wide spread of code (ink, React, the
 * painter, vscode-jsonrpc) a few hundred times each in its first minutes, and at the default V8 sends
 * much of it to TurboFan on the way: in a client opening and closing an overlay 120 times, ~40% of its
 * CPU went to the optimizing compiler's threads, and a freshly attached client's first frames cost
 * 2.2–2.7× its later ones. With a larger budget only what stays hot is optimized, after its types have
 * settled: a fresh client's first hundred frames cost ~30% less, later ones the same (issue 10's notes).
 * V8 reads the budget each time it resets a function's counter, so setting it once the first views are on
 * screen (before ink loads) covers all but those first frames — and keeps node:v8 (~1.7 ms of
 * compiling) off the way to them; the flag is this process's own (a daemon the command starts has
 * V8's defaults).
 */
export const TUI_INTERRUPT_BUDGET = 3_000_000;

export function raiseJitBudget(): void {
  const { setFlagsFromString } = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  setFlagsFromString(`--interrupt-budget=${TUI_INTERRUPT_BUDGET}`);
}
