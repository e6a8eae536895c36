import { describe, expect, it } from 'vitest';
import { leafIds, type PaneTree } from '@kubetile/rpc-schema';
import { cycleFocus, leaf, removePane, replacePane, resizePane, splitPane } from '../src/session/pane-tree-ops.js';

describe('pane tree operations', () => {
  it('splits a leaf, keeping the old pane first', () => {
    const t = splitPane(leaf(1), 1, 2, 'vertical');
    expect(t).toEqual({ type: 'split', direction: 'vertical', ratio: 0.5, first: leaf(1), second: leaf(2) });
    const t2 = splitPane(t, 2, 3, 'horizontal');
    expect(leafIds(t2)).toEqual([1, 2, 3]);
  });
  it('closing a pane lets its sibling take the parent place and inherit focus', () => {
    const t = splitPane(splitPane(leaf(1), 1, 2, 'vertical'), 2, 3, 'horizontal');
    const r = removePane(t, 2);
    expect(r.tree).toEqual({ type: 'split', direction: 'vertical', ratio: 0.5, first: leaf(1), second: leaf(3) });
    expect(r.heir).toBe(3);
    const r2 = removePane(r.tree!, 1);
    expect(r2.tree).toEqual(leaf(3));
    expect(r2.heir).toBe(3);
    expect(removePane(leaf(3), 3)).toEqual({ tree: null, heir: null });
  });
  it('removing the second child focuses the nearest leaf of the first', () => {
    const t: PaneTree = splitPane(splitPane(leaf(1), 1, 2, 'horizontal'), 1, 3, 'vertical');
    // leaves: [1,3,2]; removing 2 → the split (1|3) remains, heir is its last leaf 3
    expect(removePane(t, 2).heir).toBe(3);
  });
  it('grow and shrink move the ratio by the step and clamp to 0.1..0.9', () => {
    let t = splitPane(leaf(1), 1, 2, 'vertical');
    t = resizePane(t, 1, 0.05);
    expect(t.type === 'split' && t.ratio).toBe(0.55);
    t = resizePane(t, 2, 0.05);
    expect(t.type === 'split' && t.ratio).toBe(0.5);
    for (let i = 0; i < 20; i++) t = resizePane(t, 1, 0.05);
    expect(t.type === 'split' && t.ratio).toBe(0.9);
    for (let i = 0; i < 30; i++) t = resizePane(t, 1, -0.05);
    expect(t.type === 'split' && t.ratio).toBe(0.1);
  });
  it('cycles focus depth-first with wrap-around', () => {
    const t = splitPane(splitPane(leaf(1), 1, 2, 'vertical'), 1, 3, 'horizontal');
    expect(leafIds(t)).toEqual([1, 3, 2]);
    expect(cycleFocus(t, 1, 1)).toBe(3);
    expect(cycleFocus(t, 2, 1)).toBe(1);
    expect(cycleFocus(t, 1, -1)).toBe(2);
  });
  it('replaces a pane in place', () => {
    expect(leafIds(replacePane(splitPane(leaf(1), 1, 2, 'vertical'), 2, 9))).toEqual([1, 9]);
  });
});
