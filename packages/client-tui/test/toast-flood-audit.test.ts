import { describe, expect, it } from 'vitest';
import { TOASTS_KEPT, Store } from '../src/tui/store.js';

describe('toasts in a flood', () => {
  it('keeps the newest TOASTS_KEPT: a daemon toasting on every frame does not grow the list until the first expires', () => {
    const store = new Store({ cols: 80, rows: 24 });
    for (let i = 0; i < 5_000; i++) store.pushToast('error', `the daemon sent something this client cannot read (#${i})`);
    const toasts = store.getState().toasts;
    expect(toasts).toHaveLength(TOASTS_KEPT);
    expect(toasts.at(-1)?.text).toContain('#4999');
    expect(toasts[0]?.text).toContain(`#${5_000 - TOASTS_KEPT}`);
  });
});
