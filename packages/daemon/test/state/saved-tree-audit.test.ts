import { describe, expect, it } from 'vitest';
import { salvageState } from '../../src/state/salvage.js';

/**
 * A tab left out of a restore for its layout is named with what is wrong in it and where: the
 * schema's union said "tree: Invalid input" for a split missing a child, a node type or a direction
 * it does not know (a hand edit, a newer kubetile's layout), at any depth.
 */

const leaf = (paneId: number) => ({ type: 'leaf', paneId });
const split = (first: unknown, second?: unknown) => ({ type: 'split', direction: 'vertical', ratio: 0.5, first, ...(second === undefined ? {} : { second }) });
const why = (tree: unknown): string[] => {
  const r = salvageState({
    version: 1,
    savedAt: 'x',
    sessions: [
      {
        name: 'work',
        tabs: [
          { id: 1, context: null, namespace: 'default', tree, lastFocusedPaneId: 1 },
          { id: 2, context: null, namespace: 'default', tree: leaf(5), lastFocusedPaneId: 5 },
        ],
        panes: [1, 2, 3, 5].map((id) => ({ id, view: { key: 'help' } })),
        lastActiveTabId: 1,
      },
    ],
    features: {},
  });
  if ('error' in r) throw new Error(r.error);
  expect(r.state.sessions[0]!.tabs.map((t) => t.id)).toEqual([2]);
  return r.dropped;
};

describe('a saved layout that is not one', () => {
  it('names the split without its child, the node type and the direction it does not know, and where', () => {
    expect(why(split(leaf(1)))).toEqual(["tab 1 of session 'work' (tree.second: a split without its child)"]);
    expect(why(split(leaf(1), split(leaf(2))))).toEqual(["tab 1 of session 'work' (tree.second.second: a split without its child)"]);
    expect(why(split(leaf(1), { type: 'stack', panes: [2, 3] }))).toEqual([`tab 1 of session 'work' (tree.second.type: expected 'leaf' or 'split', got "stack")`]);
    expect(why({ ...split(leaf(1), leaf(2)), direction: 'diagonal' })).toEqual([`tab 1 of session 'work' (tree.direction: expected 'vertical' or 'horizontal', got "diagonal")`]);
    expect(why(split(leaf(1), 7))).toEqual(["tab 1 of session 'work' (tree.second: expected a leaf or a split, got 7)"]);
  });

  it('names a ratio as the schema does, and a leaf without a whole pane id', () => {
    expect(why(split(leaf(1), { ...split(leaf(2), leaf(3)), ratio: 2 }))).toEqual(["tab 1 of session 'work' (tree.second.ratio: Too big: expected number to be <=1)"]);
    expect(why(split(leaf(1), leaf(1.5)))).toEqual(["tab 1 of session 'work' (tree.second.paneId: expected a whole pane id, got 1.5)"]);
  });
});
